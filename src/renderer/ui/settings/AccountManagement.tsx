/**
 * The Profile tab's account section, as Element's Account settings have it: Change password (current, new and
 * confirmed, with the choice to sign the other sessions out) and, styled as a danger, Deactivate account (a
 * confirmation that says it cannot be undone, the password, and Element's option to hide the messages sent from
 * people who join later). Both dialogs handle a homeserver that confirms on its own web page, as the Sessions
 * tab's sign-out does: the page opens in the browser, and the button, pressed again, sends that confirmation.
 */
import { useState } from 'react';
import type { AccountChangeResult } from '../../../shared/rpc/commands/account.ts';
import { changePassword, deactivateAccount, passwordChangeProblem } from '../../api/account-settings.ts';
import { useSession } from '../../api/hooks.ts';
import { Dialog } from '../dialogs/Dialog.tsx';

export function AccountManagement() {
  const [open, setOpen] = useState<'password' | 'deactivate' | null>(null);
  const [changed, setChanged] = useState(false);
  return (
    <>
      <h4 className="settings-subhead">Account</h4>
      <div className="settings-account-row">
        <div className="settings-toggle-text">
          <span className="settings-toggle-label">Password</span>
          <span className="settings-hint">Change the password you sign in with.</span>
        </div>
        <button type="button" className="settings-button" data-testid="account-change-password"
          onClick={() => { setChanged(false); setOpen('password'); }}>
          Change password
        </button>
      </div>
      {changed && <p className="settings-ok" role="status" data-testid="account-password-changed">Your password was changed.</p>}
      <div className="settings-account-row is-danger">
        <div className="settings-toggle-text">
          <span className="settings-toggle-label">Deactivate account</span>
          <span className="settings-hint">Close your account for good. This cannot be undone.</span>
        </div>
        <button type="button" className="settings-button is-danger-quiet" data-testid="account-deactivate"
          onClick={() => setOpen('deactivate')}>
          Deactivate account
        </button>
      </div>
      {open === 'password' && <ChangePasswordDialog onClose={() => setOpen(null)} onDone={() => setChanged(true)} />}
      {open === 'deactivate' && <DeactivateDialog onClose={() => setOpen(null)} />}
    </>
  );
}

interface Fallback { url: string; session: string; again: boolean }

/**
 * What a dialog does with the backend's answer: true when done; false (stay open) after opening the homeserver's
 * confirmation page. The password is always sent, so a server still asking for it is a refusal to say.
 */
function settle(r: AccountChangeResult, fallback: Fallback | null, setFallback: (f: Fallback) => void): boolean {
  if (r.done) return true;
  if (r.fallback) {
    // The page opens outside the app (the renderer hands http(s) links to the system browser).
    if (!fallback) window.open(r.fallback.url, '_blank', 'noopener,noreferrer');
    setFallback({ url: r.fallback.url, session: r.fallback.session, again: fallback !== null });
    return false;
  }
  throw new Error('The homeserver asks for your password again: check it and try once more.');
}

function FallbackNote({ fallback, button, testId }: { fallback: Fallback | null; button: string; testId: string }) {
  if (!fallback) return null;
  return (
    <p data-testid={testId}>
      {fallback.again ? 'Your homeserver has not seen the confirmation yet. ' : 'Your homeserver asks you to confirm in your browser. '}
      <a href={fallback.url} target="_blank" rel="noreferrer noopener">Open the confirmation page</a>,
      {' '}finish there, then come back and press “{button}”.
    </p>
  );
}

function ChangePasswordDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [signOutOthers, setSignOutOthers] = useState(false);
  const [fallback, setFallback] = useState<Fallback | null>(null);
  const change = { current, next, confirm, signOutOthers };
  // Said as soon as both are typed, before anything is sent (the submit button says it too, if pressed).
  const mismatch = next !== '' && confirm !== '' && next !== confirm;
  const button = fallback ? 'I have confirmed, change password' : 'Change password';
  return (
    <Dialog title="Change password" submitLabel={button} testId="change-password-dialog" onClose={onClose}
      canSubmit={current !== '' && next !== '' && confirm !== ''}
      onSubmit={async () => {
        const problem = passwordChangeProblem(change);
        if (problem) throw new Error(problem);
        if (!settle(await changePassword(session, change, fallback?.session), fallback, setFallback)) return false;
        onDone();
        return true;
      }}>
      <label className="dialog-field">
        Current password
        <input type="password" value={current} autoComplete="current-password" autoFocus data-testid="change-password-current"
          onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label className="dialog-field">
        New password
        <input type="password" value={next} autoComplete="new-password" data-testid="change-password-new"
          onChange={(e) => setNext(e.target.value)} />
      </label>
      <label className="dialog-field">
        Confirm new password
        <input type="password" value={confirm} autoComplete="new-password" data-testid="change-password-confirm"
          aria-invalid={mismatch || undefined} aria-describedby={mismatch ? 'change-password-mismatch' : undefined}
          onChange={(e) => setConfirm(e.target.value)} />
      </label>
      {mismatch && <p className="dialog-field-problem" id="change-password-mismatch" data-testid="change-password-mismatch">The passwords do not match.</p>}
      <label className="dialog-check">
        <input type="checkbox" checked={signOutOthers} data-testid="change-password-sign-out-others"
          onChange={(e) => setSignOutOthers(e.target.checked)} />
        <span>Sign out of my other sessions</span>
      </label>
      {signOutOthers && (
        <p className="dialog-warning" data-testid="change-password-warning">
          Your other sessions will be signed out and lose the encryption keys they hold: unless your keys are backed up
          (Settings → Security), they may no longer read your encrypted messages. This session stays signed in.
        </p>
      )}
      <FallbackNote fallback={fallback} button={button} testId="change-password-fallback" />
    </Dialog>
  );
}

function DeactivateDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const [password, setPassword] = useState('');
  const [erase, setErase] = useState(false);
  const [fallback, setFallback] = useState<Fallback | null>(null);
  const button = fallback ? 'I have confirmed, deactivate' : 'Deactivate account';
  return (
    <Dialog title="Deactivate account" submitLabel={button} danger testId="deactivate-dialog" onClose={onClose}
      canSubmit={password !== ''}
      // Once done, the backend signs out and the app shows the login screen, which says why.
      onSubmit={async () => settle(await deactivateAccount(session, password, erase, fallback?.session), fallback, setFallback)}>
      <p><strong className="dialog-danger-text">This cannot be undone.</strong> If you deactivate your account:</p>
      <ul className="dialog-list">
        <li>you can never use it or sign in to it again;</li>
        <li>nobody can take its user ID, not even you;</li>
        <li>you leave every room and direct message you are in;</li>
        <li>this app signs out and removes its data from this computer.</li>
      </ul>
      <p>Your old messages stay visible to the people who received them, like emails you sent.</p>
      <label className="dialog-check">
        <input type="checkbox" checked={erase} data-testid="deactivate-erase" onChange={(e) => setErase(e.target.checked)} />
        <span>Hide my messages from people who join rooms later (erase my messages)</span>
      </label>
      <label className="dialog-field">
        Your password, to confirm
        <input type="password" value={password} autoComplete="current-password" autoFocus data-testid="deactivate-password"
          onChange={(e) => setPassword(e.target.value)} />
      </label>
      <FallbackNote fallback={fallback} button={button} testId="deactivate-fallback" />
    </Dialog>
  );
}
