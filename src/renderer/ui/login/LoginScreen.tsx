import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useClientState, useSession } from '../../api/hooks.ts';
import {
  describeDiscoveryError, loginErrorField, normalizeHomeserverUrl, serverNameOf, type LoginField, type LoginProblem,
} from './login-logic.ts';
import './login.css';

export function LoginScreen() {
  const session = useSession();
  const clientState = useClientState();
  const ids = useId();
  const [userId, setUserId] = useState('');
  const [homeserver, setHomeserver] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [discovering, setDiscovering] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  /** What discovery found while the user was in the homeserver field: shown as its placeholder, filled in on leaving. */
  const [foundWhileIn, setFoundWhileIn] = useState<string | null>(null);
  const [error, setError] = useState<LoginProblem | null>(null);
  const userIdInput = useRef<HTMLInputElement>(null);
  const homeserverInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  // Discovery may fill the field only while the user has not typed their own URL into it.
  const homeserverFromDiscovery = useRef(true);
  // The latest discovery's number: only it may fill the field or say it failed. Leaving the user ID field and then
  // signing in starts two for the same ID, and the first could fail after the second had put its words in the error
  // box, adding them a second time as the field's hint.
  const discoverySeq = useRef(0);

  // A problem puts the cursor in the field to fix (its text selected, so typing replaces it): the fields were
  // disabled while signing in, which drops the focus to the page, and a keyboard user would otherwise start over.
  useEffect(() => {
    if (!error || busy) return;
    const input = { userid: userIdInput, homeserver: homeserverInput, password: passwordInput }[error.field].current;
    input?.focus();
    input?.select();
  }, [error, busy]);

  async function discover(id: string): Promise<string | null> {
    const server = serverNameOf(id);
    if (!server) return null;
    const seq = ++discoverySeq.current;
    const latest = (): boolean => discoverySeq.current === seq;
    setDiscovering(true);
    setHint(null);
    setFoundWhileIn(null);
    try {
      const wk = await session.discoverHomeserver(id.trim());
      const url = wk['m.homeserver']?.base_url;
      if (!url) throw new Error('no m.homeserver in the well-known answer');
      // Not into a field the user is in: they may be typing their own URL, and a value put in under the caret
      // between their selecting the text and typing would be joined with what they type. It shows as the field's
      // placeholder until they leave it (onBlur fills it in if they typed nothing).
      if (latest() && homeserverFromDiscovery.current) {
        if (document.activeElement === homeserverInput.current) setFoundWhileIn(url);
        else setHomeserver(url);
      }
      return url;
    } catch {
      if (latest()) setHint(describeDiscoveryError(server));
      return null;
    } finally {
      if (latest()) setDiscovering(false);
    }
  }

  function onUserIdBlur(): void {
    if (homeserverFromDiscovery.current || homeserver.trim() === '') {
      homeserverFromDiscovery.current = true;
      void discover(userId);
    }
  }

  async function onSubmit(ev: FormEvent): Promise<void> {
    ev.preventDefault();
    if (busy) return;
    setError(null);
    const id = userId.trim();
    if (!id) {
      setError({ text: 'Enter your user ID, like @you:example.org.', field: 'userid' });
      return;
    }
    if (!password) {
      setError({ text: 'Enter your password.', field: 'password' });
      return;
    }
    setBusy(true);
    let hs = homeserver.trim();
    try {
      if (!hs) {
        const found = serverNameOf(id) ? await discover(id) : null;
        if (!found) {
          // Said once, in the error box: the same words as the field's hint would show twice.
          setHint(null);
          setError({
            text: serverNameOf(id)
              ? describeDiscoveryError(serverNameOf(id)!)
              : 'Enter your homeserver URL, or a full user ID like @you:example.org.',
            field: 'homeserver',
          });
          return;
        }
        hs = found;
      }
      const url = normalizeHomeserverUrl(hs);
      if (!url) {
        setError({ text: 'That homeserver URL is not valid. It should look like https://matrix.example.org.', field: 'homeserver' });
        return;
      }
      await session.login(url, id, password);
      // The backend's client_state now switches the app to the main layout.
      setPassword('');
    } catch (err) {
      const text = errorMessage(err);
      setError({ text, field: loginErrorField(text) });
    } finally {
      setBusy(false);
    }
  }

  const storageError = clientState?.secret_storage_error;
  /** Marks the field a problem is about as invalid and points it at the problem's words, for screen readers. */
  const problemProps = (field: LoginField) => error?.field === field
    ? { 'aria-invalid': true, 'aria-describedby': `${ids}-error` } as const
    : {};

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(e) => void onSubmit(e)} aria-labelledby={`${ids}-title`} noValidate>
        <div className="login-brand" aria-hidden="true">
          <span className="login-logo" />
        </div>
        <h1 id={`${ids}-title`} className="login-title">Sign in to Lattice</h1>
        <p className="login-subtitle">Use your Matrix account.</p>

        {/* Why the last session ended, when the person should know (their account was deactivated). */}
        {clientState?.signed_out_notice && (
          <div className="login-notice" role="status" data-testid="signed-out-notice">{clientState.signed_out_notice}</div>
        )}

        {storageError && (
          <div className="login-error" role="alert" data-testid="secret-storage-error">
            <strong>Lattice can't store your login securely.</strong> {storageError}
          </div>
        )}

        <label className="field" htmlFor={`${ids}-user`}>
          <span className="field-label">User ID</span>
          <input
            id={`${ids}-user`}
            data-testid="login-userid"
            ref={userIdInput}
            {...problemProps('userid')}
            type="text"
            inputMode="email"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="@you:example.org"
            value={userId}
            disabled={busy}
            autoFocus
            onChange={(e) => setUserId(e.target.value)}
            onBlur={onUserIdBlur}
          />
        </label>

        <label className="field" htmlFor={`${ids}-hs`}>
          <span className="field-label">
            Homeserver
            {discovering && <span className="field-busy" role="status"> · looking it up…</span>}
          </span>
          <input
            id={`${ids}-hs`}
            data-testid="login-homeserver"
            ref={homeserverInput}
            type="url"
            autoComplete="url"
            autoCapitalize="off"
            spellCheck={false}
            placeholder={foundWhileIn ?? 'https://matrix.example.org'}
            value={homeserver}
            disabled={busy}
            onChange={(e) => {
              homeserverFromDiscovery.current = e.target.value === '';
              setHomeserver(e.target.value);
              setHint(null);
            }}
            onBlur={() => {
              if (foundWhileIn && homeserverFromDiscovery.current && homeserver === '') setHomeserver(foundWhileIn);
            }}
            aria-invalid={error?.field === 'homeserver' || undefined}
            aria-describedby={[hint && `${ids}-hs-hint`, error?.field === 'homeserver' && `${ids}-error`].filter(Boolean).join(' ') || undefined}
          />
          {hint && <span id={`${ids}-hs-hint`} className="field-hint" data-testid="login-homeserver-hint">{hint}</span>}
        </label>

        <label className="field" htmlFor={`${ids}-pw`}>
          <span className="field-label">Password</span>
          <input
            id={`${ids}-pw`}
            data-testid="login-password"
            ref={passwordInput}
            {...problemProps('password')}
            type="password"
            autoComplete="current-password"
            value={password}
            disabled={busy}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>

        {error && (
          <div className="login-error" role="alert" id={`${ids}-error`} data-testid="login-error">
            {error.text}
          </div>
        )}

        <button className="button-primary login-submit" type="submit" data-testid="login-submit" disabled={busy} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> Signing in…</> : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
