/**
 * The Electron preload bridge as the renderer sees it. `src/preload/bridge-types.ts` declares the same shape on
 * the preload side; it is restated here (not imported) so the renderer bundle never reaches into preload code, and
 * so a page without the bridge (the web host) type-checks the same way.
 */
import type { MatrixLink } from '../../shared/matrix-uri.ts';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { ScreenPick } from '../../shared/screen-pick.ts';
import type { ShellNotificationState } from '../../shared/shell-notifications.ts';

export interface LatticeBridge {
  send(envelope: Envelope): void;
  onMessage(listener: (envelope: Envelope) => void): () => void;
  /**
   * "Open this": a matrix: / matrix.to link handed to the app by the OS, a tray item or a clicked notification.
   * Optional so an older shell without it still runs the page (the renderer then only routes in-page links).
   */
  onNavigate?(listener: (link: MatrixLink) => void): () => void;
  /** Tells the shell which room is shown (null: none), so it does not notify about what the user reads. */
  setViewedRoom?(roomId: string | null): void;
  /**
   * What the shell offers to share when the page calls getDisplayMedia (the app's own picker, ScreenPicker.tsx);
   * answered with `chooseScreen` (null: cancelled). Optional like the others: a shell without them shares as it did.
   */
  onScreenPick?(listener: (pick: ScreenPick) => void): () => void;
  chooseScreen?(pickId: number, sourceId: string | null): void;
  /** The shell's notifications (on in the File menu, supported by the system, message text hidden), now and on each change. */
  onNotificationState?(listener: (state: ShellNotificationState) => void): () => void;
}

/**
 * Returns `window.lattice` when it has the bridge's shape. Read through `unknown` instead of augmenting `Window`
 * so this file cannot clash with a global declaration made elsewhere.
 */
export function getBridge(scope: unknown = globalThis): LatticeBridge | undefined {
  const candidate = (scope as { lattice?: unknown } | undefined)?.lattice;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { send, onMessage, ...optional } = candidate as Record<string, unknown>;
  if (typeof send !== 'function' || typeof onMessage !== 'function') return undefined;
  for (const name of ['onNavigate', 'setViewedRoom', 'onScreenPick', 'chooseScreen', 'onNotificationState'] as const) {
    if (optional[name] !== undefined && typeof optional[name] !== 'function') return undefined;
  }
  return candidate as LatticeBridge;
}
