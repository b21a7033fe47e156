/**
 * A modal dialog on the native <dialog> element (focus trap, Esc and the backdrop come with it), with a form whose
 * submit runs an async action, shows its error in words, and closes on success. Focus goes back to the opener.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { trapTab, useFocusReturn } from '../common/focus-return.ts';
import './dialogs.css';

export function Dialog({ title, submitLabel, danger, onSubmit, onClose, canSubmit = true, noCancel, wide, children, testId }: {
  title: string;
  submitLabel: string;
  danger?: boolean;
  /** Resolving to `false` keeps the dialog open (it asks for more, such as a password the server wants). */
  onSubmit: () => Promise<void | boolean>;
  onClose: () => void;
  canSubmit?: boolean;
  /** Only the submit button (a dialog that says something is done has nothing left to cancel). */
  noCancel?: boolean;
  /** Wider, for content that does not wrap well (an event's JSON source). */
  wide?: boolean;
  children: ReactNode;
  testId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useFocusReturn();

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
  }, []);

  async function submit(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      if ((await onSubmit()) === false) setBusy(false);
      else onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className={`dialog${wide ? ' is-wide' : ''}`} data-testid={testId} aria-labelledby={`${testId}-title`} onClose={onClose}
      onKeyDown={trapTab}>
      {/* A change to what was typed clears the last refusal: it was about the old input. */}
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }} onInput={() => setError(null)}>
        <h2 id={`${testId}-title`} className="dialog-title">{title}</h2>
        <div className="dialog-body">{children}</div>
        {error && <p className="dialog-error" role="alert" data-testid="dialog-error">{error}</p>}
        <div className="dialog-buttons">
          {!noCancel && <button type="button" className="dialog-button" onClick={onClose}>Cancel</button>}
          <button type="submit" className={`dialog-button is-primary${danger ? ' is-danger' : ''}`} data-testid="dialog-submit" disabled={busy || !canSubmit}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
