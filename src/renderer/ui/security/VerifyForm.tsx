/**
 * "Enter your recovery key or passphrase": verifies this session through the backend's `verify`. A wrong key is
 * an error in words under the field and the text stays, so the user can fix a typo and try again.
 */
import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { verifyWithRecovery } from '../../api/security.ts';
import { describeVerifyError } from './security-logic.ts';

export function VerifyForm({ onVerified, onBusyChange, autoFocus = false }: {
  onVerified?: () => void;
  /** Told when a verification starts and ends (the first-run step stays up until it has finished). */
  onBusyChange?: (busy: boolean) => void;
  autoFocus?: boolean;
}) {
  const session = useSession();
  const id = useId();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    if (code.trim() === '') {
      setError('Enter your recovery key or passphrase.');
      return;
    }
    setBusy(true);
    onBusyChange?.(true);
    setError(null);
    try {
      await verifyWithRecovery(session, code);
      setCode('');
      onVerified?.();
    } catch (err) {
      setError(describeVerifyError(errorMessage(err)));
    } finally {
      setBusy(false);
      onBusyChange?.(false);
    }
  }

  return (
    <form className="sec-form" onSubmit={(e) => void submit(e)} noValidate data-testid="verify-form">
      <label className="field" htmlFor={`${id}-code`}>
        <span className="field-label">Recovery key or passphrase</span>
        <input id={`${id}-code`} data-testid="verify-code" type="password" autoComplete="off" spellCheck={false}
          placeholder="EsT… or your passphrase" value={code} disabled={busy} autoFocus={autoFocus}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : undefined}
          onChange={(e) => { setCode(e.target.value); setError(null); }} />
      </label>
      {error && (
        <div id={`${id}-err`} className="sec-error" role="alert" data-testid="verify-error">
          {error}
        </div>
      )}
      <button type="submit" className="button-primary" data-testid="verify-submit" disabled={busy} aria-busy={busy}>
        {busy ? <><span className="spinner" aria-hidden="true" /> Verifying and restoring keys…</> : 'Verify'}
      </button>
    </form>
  );
}
