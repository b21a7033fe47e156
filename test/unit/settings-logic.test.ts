/**
 * The Settings screen's pure logic: the sessions list (order, trust in words), the tab list's arrow keys, and the
 * backend's password user-interactive auth (a stubbed request answering as Synapse does). The notification levels
 * are in notification-levels.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceRows, trustOf } from '../../src/renderer/api/account-settings.ts';
import { tabAfterKey } from '../../src/renderer/ui/settings/settings-tabs.ts';
import { MatrixError } from '../../src/main/backend/matrix/errors.ts';
import { FallbackRequired, PasswordRequired, withPasswordAuth } from '../../src/main/backend/matrix/password-auth.ts';
import type { GetOwnDevicesResponse, ProfileDevice, TrustState } from '../../src/shared/rpc/commands/verification.ts';
import type { JSONObject } from '../../src/shared/rpc/types.ts';

function profileDevice(id: string, trust: TrustState): ProfileDevice {
  return { device_id: id, name: id, identity_key: 'k', signing_key: 's', fingerprint: 'f', trust_state: trust };
}

describe('sessions list', () => {
  const resp: GetOwnDevicesResponse = {
    encryption: {
      devices_tracked: true, master_key: '', first_master_key: '', user_trusted: true, errors: null,
      devices: [profileDevice('PHONE', 'cross-signed-verified'), profileDevice('OLD', 'blacklisted'), profileDevice('HERE', 'verified')],
    },
    devices: [
      { device_id: 'OLD', display_name: 'Old laptop', last_seen_ts: 1000 },
      { device_id: 'PHONE', display_name: ' Phone ', last_seen_ts: 5000, last_seen_ip: '10.0.0.2' },
      { device_id: 'BOT' },
      { device_id: 'HERE', display_name: 'Lattice', last_seen_ts: 10 },
    ],
    current_device: profileDevice('HERE', 'verified'),
  };

  it('puts this session first, then the most recently seen, with trust in words', () => {
    const rows = deviceRows(resp, 'HERE');
    assert.deepEqual(rows.map((r) => r.deviceId), ['HERE', 'PHONE', 'OLD', 'BOT']);
    assert.deepEqual(rows.map((r) => r.trust), ['verified', 'verified', 'blocked', 'no-keys']);
    assert.equal(rows[1].name, 'Phone');
    assert.equal(rows[1].lastSeenIp, '10.0.0.2');
    assert.equal(rows[3].name, '');
    assert.equal(rows[3].lastSeenTs, null);
    assert.ok(rows[0].current && !rows[1].current);
  });

  it('says this session is not verified when cross-signing has not verified it, whatever the engine trusts', () => {
    assert.equal(deviceRows(resp, 'HERE', false)[0].trust, 'unverified');
    assert.equal(deviceRows(resp, 'HERE', true)[0].trust, 'verified');
    assert.equal(deviceRows({ ...resp, current_device: null }, 'HERE', true)[0].trust, 'no-keys');
  });

  it('maps every trust state', () => {
    assert.equal(trustOf('cross-signed-tofu'), 'unverified');
    assert.equal(trustOf('unverified'), 'unverified');
    assert.equal(trustOf(undefined), 'no-keys');
  });
});

describe('settings tab list keys', () => {
  it('moves with the arrows, wraps, and jumps with Home and End', () => {
    assert.equal(tabAfterKey('profile', 'ArrowDown'), 'sessions');
    assert.equal(tabAfterKey('profile', 'ArrowUp'), 'keyboard');
    assert.equal(tabAfterKey('keyboard', 'ArrowRight'), 'profile');
    assert.equal(tabAfterKey('security', 'Home'), 'profile');
    assert.equal(tabAfterKey('security', 'End'), 'keyboard');
    assert.equal(tabAfterKey('security', 'Enter'), null);
  });
});

describe('user-interactive auth for signing sessions out', () => {
  const challenge = (flows: string[][], extra: Record<string, unknown> = {}) => new MatrixError(401, 'M_UNKNOWN', 'auth needed', undefined,
    { session: 'S1', flows: flows.map((stages) => ({ stages })), params: {}, ...extra });
  const password = { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@a:x' }, password: 'pw', session: 'S1' };

  it('answers without auth when the server does not ask (or counts a recent sign-in)', async () => {
    const seen: (JSONObject | undefined)[] = [];
    assert.equal(await withPasswordAuth('@a:x', undefined, 'do it', async (auth) => { seen.push(auth); return 'ok'; }), 'ok');
    assert.deepEqual(seen, [undefined]);
  });

  it('retries once with the password and the server\'s session', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', 'pw', 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password'], ['m.login.sso']]);
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, password]);
  });

  it('completes a dummy stage without asking anything, preferring it to the password', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', undefined, 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password'], ['m.login.dummy']]);
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, { type: 'm.login.dummy', session: 'S1' }]);
  });

  it('walks a flow of several stages it can do, skipping those the server counts as completed', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', 'pw', 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password', 'm.login.dummy']]);
      if (auth.type === 'm.login.password') throw challenge([['m.login.password', 'm.login.dummy']], { completed: ['m.login.password'] });
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, password, { type: 'm.login.dummy', session: 'S1' }]);
  });

  it('sends the person to the fallback page for single sign-on, then retries with the session alone', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const server = async (auth?: JSONObject) => {
      seen.push(auth);
      // The page was completed only on the third try.
      if (seen.length < 3) throw challenge([['m.login.sso']], seen.length === 2 ? { session: 'S2' } : {});
      return 'signed out';
    };
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'sign out 2 sessions', server), (e: Error) => e instanceof FallbackRequired
      && e.stage === 'm.login.sso' && e.session === 'S1' && e.path === '/_matrix/client/v3/auth/m.login.sso/fallback/web?session=S1'
      && /confirm with single sign-on in your browser to sign out 2 sessions/.test(e.message));
    // Back before finishing the page: asked again, with whatever session the server now gives.
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', server, 'S1'), (e: Error) => e instanceof FallbackRequired && e.session === 'S2');
    assert.equal(await withPasswordAuth('@a:x', undefined, 'x', server, 'S2'), 'signed out');
    assert.deepEqual(seen, [undefined, { session: 'S1' }, { session: 'S2' }], 'nothing but the session is sent after the page');
  });

  it('prefers a flow it can do itself to the fallback page, and walks its own stages before the page', async () => {
    const seen: (JSONObject | undefined)[] = [];
    assert.equal(await withPasswordAuth('@a:x', 'pw', 'x', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.sso'], ['m.login.password']]);
      return 'done';
    }), 'done');
    assert.deepEqual(seen, [undefined, password]);
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', async (auth) => {
      if (!auth) throw challenge([['m.login.dummy', 'm.login.terms']]);
      throw challenge([['m.login.dummy', 'm.login.terms']], { completed: ['m.login.dummy'] });
    }), (e: Error) => e instanceof FallbackRequired && e.stage === 'm.login.terms');
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', () => Promise.reject(challenge([['m.login.sso']], { session: undefined }))),
      /gave no session/);
  });

  it('says the password is needed without sending anything more when none was given', async () => {
    let calls = 0;
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'sign out 2 sessions', () => { calls++; return Promise.reject(challenge([['m.login.password']])); }),
      (e: Error) => e instanceof PasswordRequired && /asks for your account password to sign out 2 sessions/.test(e.message));
    assert.equal(calls, 1);
  });

  it('says in words what it cannot do and where to go instead', async () => {
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'sign out 2 sessions', () => Promise.reject(challenge([['m.login.msisdn']]))),
      /cannot do here to sign out 2 sessions \(it asks for a text message confirmation\)\. Do it from your homeserver's account page or from another Matrix app/);
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'x', () => Promise.reject(challenge([['m.login.email.identity', 'm.login.password']]))),
      /it asks for an email confirmation then your password/);
    await assert.rejects(withPasswordAuth('@a:x', 'bad', 'sign out 2 sessions', (auth) => Promise.reject(auth
      ? new MatrixError(401, 'M_FORBIDDEN', 'Invalid password', undefined, { flows: [{ stages: ['m.login.password'] }] })
      : challenge([['m.login.password']]))),
    /refused the password, so it did not sign out 2 sessions/);
    // A stage the server does not count as done is not sent again and again.
    let calls = 0;
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', () => { calls++; return Promise.reject(challenge([['m.login.dummy']])); }),
      /did not accept the confirmation \(m.login.dummy\)/);
    assert.equal(calls, 2);
    const other = new MatrixError(403, 'M_FORBIDDEN', 'nope');
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'x', () => Promise.reject(other)), (e) => e === other);
  });
});
