/**
 * The Sessions tab: every device signed in to the account with its name, ID, last activity and trust, this one
 * first. A session can be renamed in place; others can be signed out, one or all at once, after a confirmation
 * (and the account password, when the homeserver asks for it). The list reloads when the backend hears that the
 * account's device list changed, so a session signing in elsewhere appears while the screen is open.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { listDevices, renameDevice, signOutDevices, TRUST_LABELS, type DeviceRow } from '../../api/account-settings.ts';
import { useClientState, useSession } from '../../api/hooks.ts';
import { onIdentityUpdate } from '../../api/user-info.ts';
import { Dialog } from '../dialogs/Dialog.tsx';
import { formatFullTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import { ErrorLine, useAction } from './controls.tsx';

export function SessionsSettings() {
  const session = useSession();
  const state = useClientState();
  const currentDevice = state?.device_id;
  const vs = state?.verification_state;
  const currentVerified = vs?.state_checked ? vs.is_verified : undefined;
  const [rows, setRows] = useState<DeviceRow[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState<DeviceRow[] | null>(null);
  const signedOut = useRef(false);
  const othersHeading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(() => listDevices(session, currentDevice, currentVerified).then(
    (list) => { setRows(list); setLoadError(null); },
    (e: unknown) => { setLoadError(`Could not list your sessions: ${errorMessage(e)}`); },
  ), [session, currentDevice, currentVerified]);
  useEffect(() => { void load(); }, [load]);
  // The backend hears when our device list changes (a session signed in or out elsewhere): list them again.
  const ownUserId = state?.user_id;
  useEffect(() => (ownUserId ? onIdentityUpdate(session, ownUserId, () => void load()) : undefined), [session, ownUserId, load]);

  // The confirmation gives the focus back to the button that opened it, which left with its session's row: the
  // focus goes to the list's heading instead of falling out of the settings.
  useEffect(() => {
    if (!signedOut.current || signingOut) return;
    signedOut.current = false;
    const at = document.activeElement;
    if (at === null || at === document.body) othersHeading.current?.focus();
  }, [signingOut]);

  const current = rows?.filter((r) => r.current) ?? [];
  const others = rows?.filter((r) => !r.current) ?? [];
  return (
    <>
      <h3>Sessions</h3>
      <p className="settings-intro">Where your account is signed in. Sign out any session you do not recognise.</p>
      <ErrorLine error={loadError} testId="sessions-error" />
      {!rows && !loadError && <p className="settings-hint" role="status">Loading sessions…</p>}
      {current.length > 0 && (
        <>
          <h4 className="settings-subhead">This session</h4>
          <ul className="settings-devices" aria-label="This session">
            {current.map((r) => <DeviceItem key={r.deviceId} row={r} onChanged={load} />)}
          </ul>
        </>
      )}
      {rows && (
        <>
          <div className="settings-subhead-row">
            <h4 className="settings-subhead" tabIndex={-1} ref={othersHeading} data-testid="other-sessions-heading">Other sessions</h4>
            {others.length > 1 && (
              <button type="button" className="settings-button is-danger-quiet" data-testid="sessions-sign-out-all"
                onClick={() => setSigningOut(others)}>
                Sign out all other sessions
              </button>
            )}
          </div>
          {others.length === 0
            ? <p className="settings-hint">No other sessions: this is the only place your account is signed in.</p>
            : (
              <ul className="settings-devices" aria-label="Other sessions">
                {others.map((r) => <DeviceItem key={r.deviceId} row={r} onChanged={load} onSignOut={() => setSigningOut([r])} />)}
              </ul>
            )}
        </>
      )}
      {signingOut && <SignOutDialog rows={signingOut} onClose={() => setSigningOut(null)}
        onDone={async () => { await load(); signedOut.current = true; }} />}
    </>
  );
}

function DeviceItem({ row, onChanged, onSignOut }: { row: DeviceRow; onChanged: () => Promise<void>; onSignOut?: () => void }) {
  const hour12 = useHour12();
  const session = useSession();
  const [editing, setEditing] = useState<string | null>(null);
  const rename = useAction();

  async function save(name: string): Promise<void> {
    if (await rename.run(async () => { await renameDevice(session, row.deviceId, name); await onChanged(); })) setEditing(null);
  }

  const seen = [
    row.lastSeenTs !== null ? `Last active ${formatFullTime(row.lastSeenTs, { hour12 })}` : null,
    row.lastSeenIp,
  ].filter(Boolean).join(' · ');
  return (
    <li className="settings-device" data-testid="session" data-device-id={row.deviceId}>
      <div className="settings-device-main">
        {editing === null
          ? <span className="settings-device-name" data-testid="session-name">{row.name || 'Unnamed session'}</span>
          : (
            <form className="settings-inline" onSubmit={(e) => { e.preventDefault(); void save(editing); }}>
              <input className="settings-textbox" value={editing} maxLength={100} aria-label={`New name for session ${row.deviceId}`}
                autoFocus data-testid="session-rename-input" onChange={(e) => setEditing(e.target.value)}
                onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setEditing(null); rename.setError(null); } }} />
              <button type="submit" className="settings-button is-primary" disabled={rename.busy} data-testid="session-rename-save">Save</button>
              <button type="button" className="settings-button" onClick={() => { setEditing(null); rename.setError(null); }}>Cancel</button>
            </form>
          )}
        <span className="settings-device-meta">
          <code>{row.deviceId}</code>{seen && ` · ${seen}`}
        </span>
        <ErrorLine error={rename.error} testId="session-error" />
      </div>
      <span className={`settings-trust trust-${row.trust}`} data-testid="session-trust">{TRUST_LABELS[row.trust]}</span>
      {editing === null && (
        <div className="settings-device-actions">
          <button type="button" className="settings-button" data-testid="session-rename" aria-label={`Rename session ${row.name || row.deviceId}`}
            onClick={() => setEditing(row.name)}>
            Rename
          </button>
          {onSignOut && (
            <button type="button" className="settings-button is-danger-quiet" data-testid="session-sign-out"
              aria-label={`Sign out session ${row.name || row.deviceId}`} onClick={onSignOut}>
              Sign out
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * Confirms, then signs out; the password field appears only when the homeserver answers that it wants the
 * password (as Element asks), so a server that does not ask, or counts a recent sign-in, needs nothing typed.
 * A server that confirms on its own page (single sign-on) gets it opened in the browser, as Element does; the
 * person comes back and presses the button again, which sends the request with that page's session.
 */
function SignOutDialog({ rows, onClose, onDone }: { rows: DeviceRow[]; onClose: () => void; onDone: () => Promise<void> }) {
  const session = useSession();
  const [password, setPassword] = useState('');
  const [askPassword, setAskPassword] = useState(false);
  const [fallback, setFallback] = useState<{ url: string; session: string; again: boolean } | null>(null);
  const what = rows.length === 1 ? `“${rows[0].name || rows[0].deviceId}”` : `${rows.length} sessions`;
  return (
    <Dialog title={rows.length === 1 ? 'Sign out this session?' : `Sign out ${rows.length} sessions?`}
      submitLabel={fallback ? 'I have confirmed, sign out' : 'Sign out'} danger
      testId="sign-out-dialog" canSubmit={!askPassword || password !== ''} onClose={onClose}
      onSubmit={async () => {
        const r = await signOutDevices(session, rows.map((r) => r.deviceId), askPassword ? password : undefined, fallback?.session);
        if (r.fallback) {
          // The page opens outside the app (the renderer hands http(s) links to the system browser).
          if (!fallback) window.open(r.fallback.url, '_blank', 'noopener,noreferrer');
          setFallback({ url: r.fallback.url, session: r.fallback.session, again: fallback !== null });
          return false;
        }
        if (!r.signed_out) {
          setAskPassword(true);
          return false;
        }
        await onDone();
        return true;
      }}>
      <p>Signing out {what} ends it there: it will need to sign in again, and loses the encryption keys it does not share.</p>
      {fallback && (
        <p data-testid="sign-out-fallback">
          {fallback.again ? 'Your homeserver has not seen the confirmation yet. ' : 'Your homeserver asks you to confirm in your browser. '}
          <a href={fallback.url} target="_blank" rel="noreferrer noopener" data-testid="sign-out-fallback-link">Open the confirmation page</a>,
          {' '}finish there, then come back and press “I have confirmed, sign out”.
        </p>
      )}
      {askPassword && (
        <label className="dialog-field">
          Your homeserver asks you to confirm with your account password
          <input type="password" value={password} autoComplete="current-password" autoFocus data-testid="sign-out-password"
            onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
    </Dialog>
  );
}
