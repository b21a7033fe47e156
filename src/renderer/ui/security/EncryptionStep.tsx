/**
 * The first-run encryption step, shown after a login until this session is verified or the user skips knowingly:
 * "Verify this session" when the account already has cross-signing or secure backup (another device set it up),
 * "Set up secure backup" when it has neither. Skipping asks once more with what it costs, and is remembered for
 * this device (security-prefs.ts); Settings → Security and a banner offer it again later.
 */
import { useState } from 'react';
import { useClientState } from '../../api/hooks.ts';
import { RecoverySetup } from './RecoverySetup.tsx';
import { VerifyForm } from './VerifyForm.tsx';
import type { EncryptionStepKind } from './security-logic.ts';
import './security.css';

const SKIP_WARNING: Record<Exclude<EncryptionStepKind, 'none'>, string> = {
  verify: 'Without verifying, this session cannot read encrypted messages sent before it signed in, and your other '
    + 'sessions and contacts will see it as unverified. You can verify later in Settings → Security.',
  setup: 'Without secure backup, your encrypted messages are readable only on the devices you are signed in on now: '
    + 'if you sign out or lose them, those messages are lost. You can set it up later in Settings → Security.',
};

export function EncryptionStep({ kind, onSkip, onBusyChange }: {
  kind: Exclude<EncryptionStepKind, 'none'>;
  onSkip: () => void;
  /** Told while a verification or setup runs, so the step is not taken away half-way. */
  onBusyChange: (busy: boolean) => void;
}) {
  const state = useClientState();
  const [confirmSkip, setConfirmSkip] = useState(false);
  // Verified or set up, its restore's outcome on screen until Continue: there is nothing left to put off.
  const [settled, setSettled] = useState(false);
  const title = kind === 'verify' ? 'Verify this session' : 'Set up secure backup';

  return (
    <div className="login-page sec-page">
      <section className="login-card sec-step" aria-labelledby="sec-step-title" data-testid="encryption-step" data-step={kind}>
        <div className="sec-step-icon" aria-hidden="true">{kind === 'verify' ? <ShieldIcon /> : <KeyIcon />}</div>
        <h1 id="sec-step-title" className="login-title">{title}</h1>
        <p className="login-subtitle">
          Signed in as <span className="sec-user">{state?.user_id}</span>
          {state?.device_id && <> on device <span className="sec-user">{state.device_id}</span></>}
        </p>
        {confirmSkip ? (
          <div className="sec-form" role="alertdialog" aria-labelledby="sec-skip-title" aria-describedby="sec-skip-text" data-testid="skip-confirm">
            <h2 id="sec-skip-title" className="sec-subtitle">Skip this step?</h2>
            <p id="sec-skip-text" className="sec-warning">{SKIP_WARNING[kind]}</p>
            <div className="sec-buttons">
              <button type="button" className="button-secondary" onClick={() => setConfirmSkip(false)} autoFocus>Go back</button>
              <button type="button" className="button-danger" data-testid="skip-confirm-button" onClick={onSkip}>Skip anyway</button>
            </div>
          </div>
        ) : (
          <>
            {kind === 'verify' ? (
              <>
                {/* Once verified, asking to prove it again above the outcome would read as if it had not worked. */}
                {!settled && (
                  <p className="sec-text" data-testid="verify-intro">
                    This account uses secure backup. Prove this new session is yours with your recovery key or
                    recovery passphrase, and it can read your earlier encrypted messages.
                  </p>
                )}
                <VerifyForm autoFocus onBusyChange={onBusyChange} onOutcome={() => setSettled(true)} />
                {!settled && (
                  <p className="sec-hint">
                    Signed in on another device? You can also verify from there: open its security settings and
                    verify this session.
                  </p>
                )}
              </>
            ) : (
              <RecoverySetup mode="setup" existingBackup={state?.verification_state.has_key_backup === true} onBusyChange={onBusyChange}
                onOutcome={() => setSettled(true)} />
            )}
            {!settled && (
              <button type="button" className="sec-link" data-testid="encryption-skip" onClick={() => setConfirmSkip(true)}>
                {kind === 'verify' ? 'I can’t do this now' : 'Not now'}
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}

/**
 * While the first encryption check of a new login runs; "Continue" lets the user in if it never finishes. When the
 * homeserver does not answer what the account has, it says so: nothing is offered to set up until it is known, as a
 * new setup would replace a recovery key and backup the account may already have.
 */
export function EncryptionCheckSplash({ error, onContinue }: { error: string | undefined; onContinue: () => void }) {
  return (
    <div className="login-page sec-page" data-testid="encryption-checking">
      <div className="login-card sec-step">
        <p className="splash-text sec-checking" role="status"><span className="spinner" aria-hidden="true" /> Checking this session’s encryption…</p>
        {error !== undefined && (
          <p className="sec-warning" role="alert" data-testid="encryption-check-error">
            Lattice cannot check yet whether this account already has secure backup. {error} It keeps trying, and
            offers to set up secure backup only once it knows the account has none.
          </p>
        )}
        <button type="button" className="sec-link" onClick={onContinue}>Continue without waiting</button>
      </div>
    </div>
  );
}

function ShieldIcon() {
  return (
    <svg viewBox="0 0 24 24" width="28" height="28">
      <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z" />
      <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M8.5 12l2.5 2.5 4.5-5" />
    </svg>
  );
}

function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" width="28" height="28">
      <circle cx="8" cy="15" r="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M11 12l8-8M16 7l3 3M14 9l2 2" />
    </svg>
  );
}
