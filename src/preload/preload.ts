/**
 * The sandboxed preload: exposes `window.lattice` = { send, onMessage, onNavigate, setViewedRoom, onScreenPick,
 * chooseScreen, onNotificationState } and nothing else. The page never sees `ipcRenderer` or an IPC event object (the event carries `sender`, which would hand the
 * page raw IPC).
 *
 * Built to one CommonJS file: sandboxed preloads cannot be ES modules and may only `require('electron')`.
 * The channel names must match src/main/desktop/channels.ts (not imported, to keep this bundle free of main code).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Envelope } from '../shared/rpc/envelope.ts';
import type { MatrixLink } from '../shared/matrix-uri.ts';
import { parseScreenChoice, parseScreenPick, type ScreenPick } from '../shared/screen-pick.ts';
import { parseShellNotificationState } from '../shared/shell-notifications.ts';
import type { LatticeBridge } from './bridge-types.ts';

const RPC_CHANNEL = 'lattice:rpc';
const OPEN_CHANNEL = 'lattice:open';
const NAVIGATE_CHANNEL = 'lattice:navigate';
const NAVIGATE_READY_CHANNEL = 'lattice:navigate-ready';
const VIEW_CHANNEL = 'lattice:view';
const SCREEN_PICK_CHANNEL = 'lattice:screen-pick';
const SCREEN_CHOICE_CHANNEL = 'lattice:screen-choice';
const NOTIFY_STATE_CHANNEL = 'lattice:notify-state';
const NOTIFY_STATE_ASK_CHANNEL = 'lattice:notify-state-ask';

// Once per page: the shell opens this page's backend connection when it first talks, so greeting events
// from the backend are not sent before anyone listens.
let opened = false;
function openOnce(): void {
  if (opened) return;
  opened = true;
  ipcRenderer.send(OPEN_CHANNEL);
}

// Once per page: links the shell holds for this page are sent once someone listens for them.
let navigateReady = false;

function isEnvelopeLike(v: unknown): v is Envelope {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { command?: unknown }).command === 'string';
}

function isLinkMessage(v: unknown): v is { link: MatrixLink } {
  if (typeof v !== 'object' || v === null) return false;
  const link = (v as { link?: unknown }).link;
  return typeof link === 'object' && link !== null && typeof (link as { kind?: unknown }).kind === 'string';
}

// The screen pickers' listeners. A pick that arrives when nobody listens is cancelled at once: otherwise the
// shell would wait for an answer that never comes, and so would the page's getDisplayMedia.
const pickListeners = new Set<(pick: ScreenPick) => void>();
ipcRenderer.on(SCREEN_PICK_CHANNEL, (_event: IpcRendererEvent, msg: unknown) => {
  const pick = parseScreenPick(msg);
  if (!pick) return;
  if (!pickListeners.size) ipcRenderer.send(SCREEN_CHOICE_CHANNEL, { pick_id: pick.pick_id, source_id: null });
  for (const listener of [...pickListeners]) listener(pick);
});

const bridge: LatticeBridge = {
  send(env) {
    if (!isEnvelopeLike(env)) return;
    openOnce();
    ipcRenderer.send(RPC_CHANNEL, env);
  },
  onMessage(listener) {
    if (typeof listener !== 'function') throw new TypeError('lattice.onMessage needs a function');
    // The shell sends envelopes from the backend's worker as their JSON text (src/main/host/serialized-envelope.ts).
    const handler = (_event: IpcRendererEvent, msg: Envelope | string): void => {
      listener(typeof msg === 'string' ? JSON.parse(msg) as Envelope : msg);
    };
    ipcRenderer.on(RPC_CHANNEL, handler);
    openOnce();
    return () => {
      ipcRenderer.removeListener(RPC_CHANNEL, handler);
    };
  },
  onNavigate(listener) {
    if (typeof listener !== 'function') throw new TypeError('lattice.onNavigate needs a function');
    const handler = (_event: IpcRendererEvent, msg: unknown): void => {
      if (isLinkMessage(msg)) listener(msg.link);
    };
    ipcRenderer.on(NAVIGATE_CHANNEL, handler);
    if (!navigateReady) {
      navigateReady = true;
      ipcRenderer.send(NAVIGATE_READY_CHANNEL);
    }
    return () => {
      ipcRenderer.removeListener(NAVIGATE_CHANNEL, handler);
    };
  },
  setViewedRoom(roomId) {
    if (roomId !== null && typeof roomId !== 'string') return;
    ipcRenderer.send(VIEW_CHANNEL, { room_id: roomId });
  },
  onScreenPick(listener) {
    if (typeof listener !== 'function') throw new TypeError('lattice.onScreenPick needs a function');
    // A wrapper per subscription, so subscribing the same function twice still unsubscribes one at a time.
    const wrapped = (pick: ScreenPick): void => listener(pick);
    pickListeners.add(wrapped);
    return () => {
      pickListeners.delete(wrapped);
    };
  },
  chooseScreen(pickId, sourceId) {
    const choice = parseScreenChoice({ pick_id: pickId, source_id: sourceId });
    if (choice) ipcRenderer.send(SCREEN_CHOICE_CHANNEL, choice);
  },
  onNotificationState(listener) {
    if (typeof listener !== 'function') throw new TypeError('lattice.onNotificationState needs a function');
    const handler = (_event: IpcRendererEvent, msg: unknown): void => {
      const state = parseShellNotificationState(msg);
      if (state) listener(state);
    };
    ipcRenderer.on(NOTIFY_STATE_CHANNEL, handler);
    // The shell answers with the state now; later changes come unasked.
    ipcRenderer.send(NOTIFY_STATE_ASK_CHANNEL);
    return () => {
      ipcRenderer.removeListener(NOTIFY_STATE_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('lattice', bridge);
