/**
 * A first sign-in whose homeserver does not answer (or answers errors) when Lattice asks what the account already has
 * for encryption (its cross-signing keys, secret storage, key backup): the encryption state must stay "not checked",
 * with the reason in words, instead of looking like an account without secure backup (which the first-run step
 * would answer by offering to set up a new one, replacing the recovery key and backup the account may have). Once
 * the server answers, the state is what the account has. A sign-in whose request hangs says so within the same
 * bound, instead of after the HTTP layer's whole timeout. Synapse sits behind a loopback proxy that holds requests
 * or answers 502 for them; the "no answer" bound and the wait before asking again are shortened for the test, and their
 * times never asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VerificationState } from '../../src/shared/rpc/index.ts';
import { startBackend, type BackendSession } from '../harness/backend-session.ts';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const ANSWER_WITHIN_MS = 5000;
/** The backend asks again 5 s after a failed ask; the tests that wait for the answer after a failure ask sooner. */
const RECHECK_MS = 500;
/**
 * Everything but signing in (the login form's requests, the login itself, and the account's profile, which a login
 * waits up to 5 s for before the session starts without it: a wait that tells these tests nothing).
 */
const ALL_BUT_LOGIN = /^(?!\/_matrix\/client\/(?:versions|v3\/login|v3\/profile)\b)/;

describe('the encryption check of a first sign-in against a homeserver that does not answer', () => {
  let hs: SynapseServer;
  let proxy: TestProxy | undefined;
  let session: BackendSession | undefined;

  before(async () => {
    hs = await startSynapse();
  });
  after(async () => {
    await hs?.stop();
  });

  async function cleanUp(): Promise<void> {
    await session?.stop();
    session = undefined;
    await proxy?.close();
    proxy = undefined;
  }

  /** Every verification state the frontend was told, in order. */
  function states(s: BackendSession): VerificationState[] {
    return s.client.events('client_state').filter((c) => c.is_logged_in).map((c) => c.verification_state);
  }

  it('stays unchecked and says why while requests are held, then finds the secure backup the account has', { timeout: 300_000 }, async () => {
    const hal = await hs.registerUser('hal', 'hal-password');
    // Secure backup set up on another device: secret storage's default key in the account data.
    const put = await fetch(`${hs.baseUrl}/_matrix/client/v3/user/${encodeURIComponent(hal.userId)}/account_data/m.secret_storage.default_key`, {
      method: 'PUT', headers: { Authorization: `Bearer ${hal.accessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'elsewhere' }),
    });
    assert.equal(put.status, 200);
    try {
      proxy = await startProxy(hs.baseUrl);
      session = await startBackend({ sync: { answerWithinMs: ANSWER_WITHIN_MS }, encryptionRecheckMs: RECHECK_MS });
      const { client: c } = session;
      await c.waitForEvent('init_complete');
      proxy.hold(ALL_BUT_LOGIN);
      await c.request('login', { homeserver_url: proxy.url, username: 'hal', password: 'hal-password' });
      // Whichever comes first: the reason it cannot check, or a state that claims to know.
      const waiting = await c.waitForEvent('client_state', (s) => s.verification_state.check_error !== undefined || s.verification_state.state_checked, 120_000);
      assert.equal(waiting.verification_state.state_checked, false, 'not checked while the server does not answer');
      assert.match(waiting.verification_state.check_error ?? '', /not answer within 5 s/, 'the reason in words');
      assert.ok(states(session).every((v) => !v.state_checked), 'never "checked" (no secure backup) before the server answered');

      proxy.release();
      const known = await c.waitForEvent('client_state', (s) => s.verification_state.state_checked, 120_000);
      assert.deepEqual(known.verification_state, { is_verified: false, state_checked: true, has_cross_signing: false, has_ssss: true },
        'the account\'s secure backup is found: the step asks to verify, not to set up');
    } finally {
      await cleanUp();
    }
  });

  it('says within the short bound that the homeserver does not answer a sign-in whose request hangs', { timeout: 300_000 }, async () => {
    await hs.registerUser('jon', 'jon-password');
    try {
      proxy = await startProxy(hs.baseUrl);
      session = await startBackend({ sync: { answerWithinMs: ANSWER_WITHIN_MS }, encryptionRecheckMs: RECHECK_MS });
      const { client: c } = session;
      await c.waitForEvent('init_complete');
      proxy.hold(/\/v3\/login\b/);
      const failed = c.request('login', { homeserver_url: proxy.url, username: 'jon', password: 'jon-password' }).then(() => 'signed in', (e: unknown) => String(e));
      await proxy.held(1);
      assert.match(await failed, /Could not reach the homeserver at http:\/\/127\.0\.0\.1:\d+: it did not answer within 5 s\./);
      assert.equal(session.backend.clientState().is_logged_in, false);

      // Answered again: the same sign-in goes through.
      proxy.release();
      assert.equal(await c.request('login', { homeserver_url: proxy.url, username: 'jon', password: 'jon-password' }), true);
    } finally {
      await cleanUp();
    }
  });

  it('takes a 502 for the key backup as unknown, not as "no backup", until the server answers', { timeout: 300_000 }, async () => {
    await hs.registerUser('ida', 'ida-password');
    try {
      proxy = await startProxy(hs.baseUrl);
      session = await startBackend({ sync: { answerWithinMs: ANSWER_WITHIN_MS }, encryptionRecheckMs: RECHECK_MS });
      const { client: c } = session;
      await c.waitForEvent('init_complete');
      // A gateway in front of a homeserver that is restarting: twice 502, then the real answer (no backup).
      proxy.inject(/\/room_keys\/version\b/, 502, {}, 2);
      await c.request('login', { homeserver_url: proxy.url, username: 'ida', password: 'ida-password' });
      const failing = await c.waitForEvent('client_state', (s) => s.verification_state.check_error !== undefined || s.verification_state.state_checked, 120_000);
      assert.equal(failing.verification_state.state_checked, false);
      assert.match(failing.verification_state.check_error ?? '', /answered with an error \(HTTP 502\)/);
      const known = await c.waitForEvent('client_state', (s) => s.verification_state.state_checked, 120_000);
      assert.deepEqual(known.verification_state, { is_verified: false, state_checked: true, has_cross_signing: false, has_ssss: false },
        'a new account without secure backup: now the step may offer to set it up');
      const firstChecked = states(session).findIndex((v) => v.state_checked);
      const firstError = states(session).findIndex((v) => v.check_error !== undefined);
      assert.ok(firstError >= 0 && firstError < firstChecked, 'the 502 was said before any "checked" state');
      assert.equal(proxy.log.filter((l) => /\/room_keys\/version\b/.test(l.path) && l.status === 502).length, 2, 'both 502s were met');
    } finally {
      await cleanUp();
    }
  });
});
