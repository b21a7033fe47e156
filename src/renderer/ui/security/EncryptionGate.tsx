/**
 * Where the first-run encryption step fits: between login and the rooms. Right after a login in this window the
 * app waits for the backend's first encryption check (`verification_state.state_checked`), then shows the step
 * when this session is unverified, until the user finishes or skips it knowingly; otherwise the rooms. An
 * While that check waits for a homeserver that does not answer, the wait says so (`check_error`) and no step is
 * offered. An unverified session that is not stopped (skipped, restored, or another browser on the same backend) shows a
 * reminder banner (dismissable) whose button opens the step again.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useClientState } from '../../api/hooks.ts';
import { EncryptionCheckSplash, EncryptionStep } from './EncryptionStep.tsx';
import { gateView, reminderFor, type EncryptionStepKind } from './security-logic.ts';
import { deviceKey, setChoice, useSecurityChoice } from './security-prefs.ts';
import './security.css';

export function EncryptionGate({ freshLogin, banners, children }: { freshLogin: boolean; banners: ReactNode; children: ReactNode }) {
  const state = useClientState();
  const key = deviceKey(state?.user_id, state?.device_id);
  const choice = useSecurityChoice(key);
  const [stopWaiting, setStopWaiting] = useState(false);
  // The step being worked through: kept on screen until its request ends, though the state changes under it.
  const [busyWith, setBusyWith] = useState<Exclude<EncryptionStepKind, 'none'> | null>(null);
  // Set once this window reached the rooms after its login with the state known: a later change (replacing the
  // recovery key in Settings leaves the session unverified for a moment) must not take the rooms away again.
  const [passed, setPassed] = useState(false);
  const vs = state?.verification_state;
  const view = busyWith ?? gateView(vs, { freshLogin: freshLogin && !passed, stopWaiting, ...choice });
  if (view === 'app' && vs?.state_checked && freshLogin && !passed) setPassed(true);
  // Likewise a step reopened from the reminder is done once the session is verified.
  const verified = vs?.is_verified === true;
  useEffect(() => { if (verified && choice.opened) setChoice(key, { opened: false }); }, [verified, choice.opened, key]);

  if (view === 'wait') {
    return <div className="app-shell">{banners}<EncryptionCheckSplash error={vs?.check_error} onContinue={() => setStopWaiting(true)} /></div>;
  }
  if (view !== 'app') {
    return (
      <div className="app-shell">
        {banners}
        <EncryptionStep kind={view} onSkip={() => setChoice(key, { skipped: true, bannerDismissed: false, opened: false })}
          onBusyChange={(busy) => setBusyWith(busy ? view : null)} />
      </div>
    );
  }
  return children;
}

/** The reminder while this session is unverified (or the account has no secure backup), until dismissed. */
export function EncryptionReminder() {
  const state = useClientState();
  const key = deviceKey(state?.user_id, state?.device_id);
  const choice = useSecurityChoice(key);
  const need = reminderFor(state?.verification_state, choice.bannerDismissed);
  if (need === 'none') return null;
  const verify = need === 'verify';
  return (
    <div className="banner banner-warning" role="status" data-testid="encryption-reminder">
      <span className="banner-icon" aria-hidden="true">⚠</span>
      <span className="banner-text">
        {verify
          ? 'This session is not verified: it cannot read encrypted messages sent before it signed in.'
          : 'Secure backup is not set up: losing your devices would lose your encrypted messages.'}
      </span>
      <button type="button" className="banner-action" data-testid="encryption-reminder-open" onClick={() => setChoice(key, { opened: true })}>
        {verify ? 'Verify' : 'Set up'}
      </button>
      <button type="button" className="banner-action" data-testid="encryption-reminder-dismiss" onClick={() => setChoice(key, { bannerDismissed: true })}>
        Dismiss
      </button>
    </div>
  );
}
