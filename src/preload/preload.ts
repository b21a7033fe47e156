/**
 * The sandboxed preload: exposes `window.lattice` = { send, onMessage } and nothing else. The page never sees
 * `ipcRenderer` or an IPC event object (the event carries `sender`, which would hand the page raw IPC).
 *
 * Built to one CommonJS file: sandboxed preloads cannot be ES modules and may only `require('electron')`.
 * The channel names must match src/main/desktop/app.ts (not imported, to keep this bundle free of main code).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Envelope } from '../shared/rpc/envelope.ts';
import type { LatticeBridge } from './bridge-types.ts';

const RPC_CHANNEL = 'lattice:rpc';
const OPEN_CHANNEL = 'lattice:open';

// Once per page: the shell opens this page's backend connection when it first talks, so greeting events
// from the backend are not sent before anyone listens.
let opened = false;
function openOnce(): void {
  if (opened) return;
  opened = true;
  ipcRenderer.send(OPEN_CHANNEL);
}

function isEnvelopeLike(v: unknown): v is Envelope {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { command?: unknown }).command === 'string';
}

const bridge: LatticeBridge = {
  send(env) {
    if (!isEnvelopeLike(env)) return;
    openOnce();
    ipcRenderer.send(RPC_CHANNEL, env);
  },
  onMessage(listener) {
    if (typeof listener !== 'function') throw new TypeError('lattice.onMessage needs a function');
    const handler = (_event: IpcRendererEvent, env: Envelope): void => listener(env);
    ipcRenderer.on(RPC_CHANNEL, handler);
    openOnce();
    return () => {
      ipcRenderer.removeListener(RPC_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('lattice', bridge);
