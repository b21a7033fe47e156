/**
 * The IPC channels between the shell and a page. src/preload/preload.ts restates the names (a sandboxed preload
 * cannot import main-process code); the "channels" tests in test/unit/desktop-options.test.ts keep the two in step.
 *
 * Besides the RPC envelopes (which go to the backend unchanged), the shell and the renderer exchange two small
 * messages of their own, never through the backend:
 * - `lattice:navigate` (shell → page): `NavigateMessage`, "open this room/user": from a matrix: or matrix.to link
 *   the OS handed over, a tray menu item, or a clicked notification (then `link.event_id` is the event to show).
 *   Sent only once the page has subscribed (`lattice:navigate-ready`); earlier ones wait, in order.
 * - `lattice:view` (page → shell): `ViewMessage`, the room the page shows (null: none), so the shell does not
 *   notify about the room the user is reading in a focused window.
 * - `lattice:screen-pick` (shell → page): `ScreenPick` (src/shared/screen-pick.ts), the screens and windows a
 *   getDisplayMedia request may share; `lattice:screen-choice` (page → shell): `ScreenChoice`, the one chosen or
 *   none (display-media.ts).
 * - `lattice:notify-state` (shell → page): `ShellNotificationState` (src/shared/shell-notifications.ts), the
 *   shell's notifications on or off, supported, hiding the text: in answer to `lattice:notify-state-ask` (page →
 *   shell, sent when the page subscribes) and to every window when the File menu changes one of them.
 */
import type { MatrixLink } from '../../shared/matrix-uri.ts';

/** Envelopes in both directions, on one channel, exactly as the web host's websocket carries them. */
export const RPC_CHANNEL = 'lattice:rpc';
/**
 * Sent by the preload once per page, before that page's first envelope: "a new frontend starts here". The shell
 * then gives the page a fresh backend connection, like a websocket opening, so the backend's greeting events
 * (run_id, client_state, init_complete) go to a page that is already listening.
 */
export const OPEN_CHANNEL = 'lattice:open';
export const NAVIGATE_CHANNEL = 'lattice:navigate';
export const NAVIGATE_READY_CHANNEL = 'lattice:navigate-ready';
export const VIEW_CHANNEL = 'lattice:view';
export const SCREEN_PICK_CHANNEL = 'lattice:screen-pick';
export const SCREEN_CHOICE_CHANNEL = 'lattice:screen-choice';
export const NOTIFY_STATE_CHANNEL = 'lattice:notify-state';
export const NOTIFY_STATE_ASK_CHANNEL = 'lattice:notify-state-ask';

export interface NavigateMessage {
  link: MatrixLink;
}

export interface ViewMessage {
  room_id: string | null;
}

/** The page's view message, checked: it comes from the page and is not trusted. */
export function parseViewMessage(raw: unknown): ViewMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { room_id?: unknown }).room_id;
  if (id === null) return { room_id: null };
  return typeof id === 'string' && id.startsWith('!') && id.length <= 255 ? { room_id: id } : null;
}
