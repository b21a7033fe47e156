/**
 * The one API the preload puts on the page: `window.lattice`. Present only inside the desktop app; the renderer
 * picks the IPC transport when it exists and the websocket otherwise. Import it type-only.
 */
import type { Envelope } from '../shared/rpc/envelope.ts';
import type { MatrixLink } from '../shared/matrix-uri.ts';
import type { ScreenPick } from '../shared/screen-pick.ts';
import type { ShellNotificationState } from '../shared/shell-notifications.ts';

export interface LatticeBridge {
  /** Sends one envelope to the backend. Values that are not an object with a string `command` are dropped. */
  send(env: Envelope): void;
  /** Delivers every envelope from the backend to `listener`; returns a function that stops exactly this listener. */
  onMessage(listener: (env: Envelope) => void): () => void;
  /**
   * "Open this": a matrix: / matrix.to link the OS handed to the app, an unread room picked in the tray, or a
   * clicked notification (then `link.event_id` is the event to jump to). The renderer opens the room (joining or
   * previewing through `link.via` when the user is not in it) or the user. Links that arrived before the first
   * listener are delivered to it. Returns a function that stops exactly this listener.
   */
  onNavigate(listener: (link: MatrixLink) => void): () => void;
  /** Tells the shell which room the page shows (null: none), so it does not notify about what the user reads. */
  setViewedRoom(roomId: string | null): void;
  /**
   * The screens and windows the shell offers when the page calls getDisplayMedia: the page shows them and answers
   * with `chooseScreen`. A pick that arrives while nobody listens is cancelled at once. Malformed picks are dropped.
   * Returns a function that stops exactly this listener.
   */
  onScreenPick(listener: (pick: ScreenPick) => void): () => void;
  /** Answers a pick: the id of one of its sources, or null to share nothing. Other values are dropped. */
  chooseScreen(pickId: number, sourceId: string | null): void;
  /**
   * The shell's notifications: on or off in the File menu, whether the system can show them, whether they hide the
   * message text. The listener gets the state now (asked of the shell on subscribing) and after each change;
   * malformed states are dropped. Returns a function that stops exactly this listener.
   */
  onNotificationState(listener: (state: ShellNotificationState) => void): () => void;
}

declare global {
  interface Window {
    lattice?: LatticeBridge;
  }
}
