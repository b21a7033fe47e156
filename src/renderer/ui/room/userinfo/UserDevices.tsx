/**
 * A user's devices with their trust, as this device knows them (following the user's devices first if it did
 * not), with a Verify button for each device not yet trusted and, for the user as a whole, an emoji verification
 * of their identity (another user: in the DM with them; ourselves: with any of our other sessions). Reloaded when a
 * verification with the user ends, and when the backend reports a change of their identity (a signature read
 * back after the verification), so a device or user just verified shows it.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { ProfileDevice, ProfileEncryptionInfo, TrustState } from '../../../../shared/rpc/commands/verification.ts';
import { useClientState, useSession, useStoreSelector } from '../../../api/hooks.ts';
import { acceptNewIdentity, loadUserDevices, onIdentityUpdate } from '../../../api/user-info.ts';
import { requestVerification } from '../../../api/verification-requests.ts';
import type { StoreSnapshot } from '../../../api/snapshot.ts';

/** How a trust state reads, and whether it is good (ok), worth a look (warn) or bad (bad). */
function trustLabel(t: TrustState): { text: string; tone: 'ok' | 'warn' | 'bad' } {
  switch (t) {
    case 'verified': return { text: 'Verified', tone: 'ok' };
    case 'cross-signed-verified': return { text: 'Verified', tone: 'ok' };
    case 'cross-signed-tofu': return { text: 'Signed by its owner', tone: 'warn' };
    case 'cross-signed-untrusted': return { text: 'Owner\'s identity changed', tone: 'bad' };
    case 'unverified': return { text: 'Not verified', tone: 'warn' };
    case 'blacklisted': return { text: 'Blocked', tone: 'bad' };
    case 'unknown-device': return { text: 'Unknown device', tone: 'bad' };
    case 'forwarded': return { text: 'Keys forwarded', tone: 'warn' };
    case 'invalid': return { text: 'Invalid keys', tone: 'bad' };
    default: { const never: never = t; return never; }
  }
}

function isTrusted(d: ProfileDevice): boolean {
  return d.trust_state === 'verified' || d.trust_state === 'cross-signed-verified';
}

/** Counts finished verifications with the user: a change means their trust may have changed. */
function finishedWith(userId: string) {
  return (s: StoreSnapshot): number => {
    let n = 0;
    for (const f of s.verifications.values()) if (f.user_id === userId && f.phase === 'done') n++;
    return n;
  };
}

export function UserDevices({ userId, name, self }: { userId: string; name: string; self: boolean }) {
  const session = useSession();
  const ownDevice = useClientState()?.device_id;
  const finished = useStoreSelector(finishedWith(userId));
  const [info, setInfo] = useState<ProfileEncryptionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Bumped to load the devices again after a change made here (an identity accepted). */
  const [reloads, setReloads] = useState(0);

  useEffect(() => onIdentityUpdate(session, userId, () => setReloads((n) => n + 1)), [session, userId]);
  useEffect(() => {
    let live = true;
    loadUserDevices(session, userId)
      .then((i) => { if (live) { setInfo(i); setError(null); } })
      .catch((err: unknown) => { if (live) setError(errorMessage(err)); });
    return () => { live = false; };
  }, [session, userId, finished, reloads]);

  function run(action: () => Promise<unknown>): void {
    setBusy(true);
    setError(null);
    action().catch((err: unknown) => setError(errorMessage(err))).finally(() => setBusy(false));
  }
  const verify = (deviceId?: string) => run(() => requestVerification(session, userId, deviceId));
  const acceptIdentity = () => run(async () => { await acceptNewIdentity(session, userId); setReloads((n) => n + 1); });

  const devices = info?.devices ?? [];
  const others = devices.filter((d) => !(self && d.device_id === ownDevice));
  return (
    <section className="user-info-section user-devices" data-testid="user-devices">
      <h4>{self ? 'Your sessions' : 'Sessions'}{info ? ` · ${devices.length}` : ''}</h4>
      {info && !self && info.master_key !== '' && (
        <p className={`user-trust is-${info.user_trusted ? 'ok' : 'warn'}`} data-testid="user-trust">
          {info.user_trusted ? `You have verified ${name}.` : `${name} is not verified yet.`}
        </p>
      )}
      {info && info.devices_tracked && devices.length === 0 && <p className="settings-note">No sessions with encryption keys.</p>}
      {info?.identity_changed && (
        <div className="user-identity-changed" data-testid="identity-changed">
          <p className="settings-error">
            {name}'s identity has changed since you first saw it{info.verification_violation ? ', and you had verified them' : ''}.
            Verify them again, or accept the new identity if you know why it changed.
          </p>
          <button type="button" data-testid="accept-identity" disabled={busy} onClick={acceptIdentity}>Accept new identity</button>
        </div>
      )}
      {info?.errors?.map((e) => <p key={e} className="user-key-warning">{e}</p>)}
      {info && !info.devices_tracked && <p className="settings-note">This session does not follow {name}'s devices.</p>}
      <ul className="user-device-list">
        {devices.map((d) => {
          const trust = trustLabel(d.trust_state);
          const current = self && d.device_id === ownDevice;
          return (
            <li key={d.device_id} className="user-device" data-testid="user-device" data-device-id={d.device_id} data-trust={d.trust_state}>
              <div className="user-device-text">
                <span className="user-device-name">{d.name || d.device_id}{current && <span className="user-device-current"> (this session)</span>}</span>
                {d.name && d.name !== d.device_id && <span className="user-device-id">{d.device_id}</span>}
                <span className={`user-device-trust is-${trust.tone}`} data-testid="user-device-trust">{trust.text}</span>
              </div>
              {!current && !isTrusted(d) && (
                <button type="button" data-testid="user-device-verify" disabled={busy} onClick={() => verify(d.device_id)}>Verify</button>
              )}
            </li>
          );
        })}
      </ul>
      {info && !self && info.master_key !== '' && !info.user_trusted && (
        <button type="button" className="user-verify-button" data-testid="user-verify" disabled={busy} onClick={() => verify()}>Verify {name}</button>
      )}
      {/* Nothing to ask once every other session is trusted (an unverified one here makes them all read untrusted). */}
      {self && others.some((d) => !isTrusted(d)) && (
        <button type="button" className="user-verify-button" data-testid="user-verify" disabled={busy} onClick={() => verify()}>Verify with another session</button>
      )}
      {!info && !error && <p className="settings-note">Loading sessions…</p>}
      {error && <p className="settings-error" role="alert">{error}</p>}
    </section>
  );
}
