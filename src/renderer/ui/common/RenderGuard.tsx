/**
 * A part of the window that stops drawing itself when its code throws, instead of taking the whole window with it.
 * React unmounts everything up to the nearest error boundary, and without one that is the app: a blank window, which
 * a reload does not mend when what broke it (an event from the network, say) is stored and drawn again. So the
 * window is guarded in parts (each timeline row, the room, the room list, each dialog, and the app last): the part
 * that failed says so in words and offers to try again, and the rest keeps working. `resetKey` tries again by itself
 * when what the part draws changes (a row's event edited or redacted, another room opened).
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import './render-guard.css';

interface Props {
  children: ReactNode;
  /** What stands in for the part while it cannot be drawn; `retry` draws it again. */
  fallback: (error: Error, retry: () => void) => ReactNode;
  /** A change of this value (compared with Object.is) draws the part again. */
  resetKey?: unknown;
  /** Names the part in the console's report. */
  name: string;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

export class RenderGuard extends Component<Props, State> {
  constructor(props: Props) {
    super(props);
    this.state = { error: null, resetKey: props.resetKey };
  }

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // For whoever reads the console (a bug report): the part, the error and where in the component tree it was.
    console.error(`Lattice could not draw ${this.props.name}:`, error, info.componentStack);
  }

  private readonly retry = (): void => {
    this.setState({ error: null });
  };

  override render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error, this.retry) : this.props.children;
  }
}

/** The words for an error as a person reads them: its message, or what it is when it has none. */
function reason(error: Error): string {
  return error.message.trim() || error.name;
}

/** In place of a timeline row that cannot be drawn: the rest of the room is still there. */
export function RowFailed({ error }: { error: Error }) {
  return (
    <div className="render-failed render-failed-row" role="note" data-testid="row-failed">
      This message could not be shown ({reason(error)}).
    </div>
  );
}

/** In place of a panel, a dialog or the room that cannot be drawn, with a way to try again. */
export function PartFailed({ error, retry, what }: { error: Error; retry: () => void; what: string }) {
  return (
    <div className="render-failed render-failed-part" role="alert" data-testid="part-failed">
      <p>Lattice could not show {what}: {reason(error)}</p>
      <p className="render-failed-hint">The rest of the window still works. If this keeps happening, please report it with the message above.</p>
      <button type="button" onClick={retry}>Try again</button>
    </div>
  );
}

/** In place of the whole window: reloading starts the app's page afresh (the backend and its data stay as they are). */
export function AppFailed({ error }: { error: Error }) {
  return (
    <div className="render-failed render-failed-app" role="alert" data-testid="app-failed">
      <h1>Lattice stopped drawing its window</h1>
      <p>{reason(error)}</p>
      <p className="render-failed-hint">Your messages and keys are safe: they are kept by the backend, not by this window.</p>
      <button type="button" onClick={() => window.location.reload()}>Reload the window</button>
    </div>
  );
}

/** In place of a dialog that cannot be drawn: said over the window, with the way out the dialog would have had. */
export function DialogFailed({ error, onClose }: { error: Error; onClose: () => void }) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="render-failed render-failed-part render-failed-dialog" role="alertdialog" aria-modal="true" aria-label="The dialog could not be shown"
        data-testid="dialog-failed" onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); onClose(); } }}>
        <p>Lattice could not show this dialog: {reason(error)}</p>
        <button type="button" onClick={onClose} autoFocus>Close</button>
      </div>
    </div>
  );
}

/** In place of a window over the app (a call, a verification, a report): a note in a corner, the app still usable. */
export function OverlayFailed({ error, retry }: { error: Error; retry: () => void }) {
  return (
    <div className="render-failed render-failed-part render-failed-overlay" role="alert" data-testid="overlay-failed">
      <p>Lattice could not show a call, verification or report window: {reason(error)}</p>
      <button type="button" onClick={retry}>Try again</button>
    </div>
  );
}
