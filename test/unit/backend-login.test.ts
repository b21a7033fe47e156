/**
 * Login's ordering against a fake homeserver and a fake keychain: the access token is stored before the account
 * row, so a keychain that fails leaves no account row (and no session) behind; without any secret store, login is
 * refused before the homeserver is asked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Backend } from '../../src/main/backend/backend.ts';
import type { SecretStore } from '../../src/main/backend/secrets/secret-store.ts';
import { FakeFetch, json, matrixError, never, type FakeRequest } from '../harness/fake-fetch.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';

const HS = 'http://hs.invalid';
const LOGIN = { homeserver_url: HS, username: 'alice', password: 'alice-password' };
const LOGIN_PATH = '/_matrix/client/v3/login';

/** A keychain that records every call, with what the database held at that moment. */
class FakeKeychain implements SecretStore {
  readonly kind = 'keychain';
  readonly description = 'fake keychain';
  readonly calls: { op: string; key: string; accountRows: number }[] = [];
  readonly values = new Map<string, string>();
  failSet: Error | undefined;
  private readonly dbFile: string;

  constructor(dbFile: string) {
    this.dbFile = dbFile;
  }

  /** Account rows in the database, read through a connection of our own (what a crash right now would leave). */
  accountRows(): number {
    const db = new Database(this.dbFile, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM account').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.values.get(key) ?? null);
  }
  set(key: string, value: string): Promise<void> {
    this.calls.push({ op: 'set', key, accountRows: this.accountRows() });
    if (this.failSet) return Promise.reject(this.failSet);
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.calls.push({ op: 'delete', key, accountRows: this.accountRows() });
    this.values.delete(key);
    return Promise.resolve();
  }
}

/**
 * What the sync loop asks once signed in: the filter is answered (its request takes no cancel signal, so a stuck
 * one would hold up closing the backend), the profile is not found (login waits a while for it), "offline" is
 * taken (closing waits a while for it), the sync itself waits until cancelled.
 */
function afterLogin(req: FakeRequest): Promise<Response> {
  if (req.url.pathname.includes('/profile/')) return Promise.resolve(matrixError(404, 'M_NOT_FOUND', 'Profile not found'));
  if (req.url.pathname.includes('/presence/')) return Promise.resolve(json(200, {}));
  if (req.url.pathname.endsWith('/filter')) return Promise.resolve(json(200, { filter_id: 'f1' }));
  return never(req);
}

describe('login ordering', () => {
  let root: string;
  let dbFile: string;
  let fake: FakeFetch;
  let backend: Backend | undefined;
  let client: RpcTestClient | undefined;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lattice-login-'));
    dbFile = path.join(root, 'data', 'lattice.db');
    fake = new FakeFetch((req) => {
      if (req.url.pathname === LOGIN_PATH && req.method === 'POST') {
        return json(200, { user_id: '@alice:hs.invalid', access_token: 'secret-token', device_id: 'DEV1' });
      }
      return afterLogin(req);
    });
  });
  afterEach(async () => {
    client?.close();
    await backend?.close();
    backend = undefined;
    client = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  async function start(opts: { secretStore?: SecretStore; secretStoreError?: string }) {
    backend = await Backend.create({
      paths: { config: root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: root },
      fetch: fake.fetch,
      secrets: opts.secretStore ? { store: opts.secretStore } : { error: opts.secretStoreError ?? 'no secret store' },
    });
    const c = RpcTestClient.inProcess(backend);
    client = c;
    return c;
  }

  it('stores the token in the keychain before it writes the account row', async () => {
    const keychain = new FakeKeychain(dbFile);
    const c = await start({ secretStore: keychain });
    assert.equal(await c.request('login', LOGIN), true);
    assert.deepEqual(keychain.calls.filter((c) => c.key === 'matrix_access_token'), [{ op: 'set', key: 'matrix_access_token', accountRows: 0 }]);
    // A login as a new device starts a new crypto store: the old store key is deleted before the new one is made.
    assert.deepEqual(keychain.calls.filter((c) => c.key === 'crypto_store_key').map((c) => c.op).slice(0, 1), ['delete']);
    assert.equal(keychain.values.get('matrix_access_token'), 'secret-token');
    assert.equal(keychain.accountRows(), 1);
    const state = await c.request('get_state', {});
    assert.equal(state.is_logged_in, true);
    assert.equal(state.user_id, '@alice:hs.invalid');
    // The password went to the homeserver, and the login asked for Lattice's device name.
    const [login] = fake.to(LOGIN_PATH, 'POST');
    assert.deepEqual(login.body, {
      initial_device_display_name: 'Lattice', type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'alice' }, password: 'alice-password',
    });
  });

  it('leaves no account row and no session when the keychain refuses the token, and can try again', async () => {
    const keychain = new FakeKeychain(dbFile);
    keychain.failSet = new Error('the keychain is locked');
    const c = await start({ secretStore: keychain });
    await assert.rejects(c.request('login', LOGIN), /the keychain is locked/);
    assert.equal(keychain.accountRows(), 0);
    assert.equal((await c.request('get_state', {})).is_logged_in, false);
    assert.deepEqual(fake.requests.map((r) => r.url.pathname), [LOGIN_PATH], 'no sync started');
    // The failed attempt does not leave "a login is already in progress" behind.
    keychain.failSet = undefined;
    assert.equal(await c.request('login', LOGIN), true);
    assert.equal(keychain.accountRows(), 1);
  });

  it('refuses to sign in without a secret store, before asking the homeserver', async () => {
    const c = await start({ secretStoreError: 'No keychain answered.' });
    await assert.rejects(c.request('login', LOGIN),
      /^(Rpc)?Error: Cannot sign in: there is nowhere safe to keep the access token\. No keychain answered\.$/);
    assert.equal(fake.requests.length, 0);
  });

  it('stores nothing when the homeserver refuses the password', async () => {
    const keychain = new FakeKeychain(dbFile);
    fake.route = () => matrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    const c = await start({ secretStore: keychain });
    await assert.rejects(c.request('login', LOGIN), /Wrong user name or password/);
    assert.deepEqual(keychain.calls, []);
    assert.equal(keychain.accountRows(), 0);
  });

  it('refuses a second login while the first is waiting for the homeserver', async () => {
    const keychain = new FakeKeychain(dbFile);
    let answer!: () => void;
    fake.route = (req) => {
      if (req.url.pathname !== LOGIN_PATH) return afterLogin(req);
      return new Promise((resolve) => {
        answer = () => resolve(json(200, { user_id: '@alice:hs.invalid', access_token: 'secret-token', device_id: 'DEV1' }));
      });
    };
    const c = await start({ secretStore: keychain });
    const first = c.request('login', LOGIN);
    while (!answer) await new Promise((r) => setImmediate(r));
    await assert.rejects(c.request('login', LOGIN), /A login is already in progress/);
    answer();
    assert.equal(await first, true);
    await assert.rejects(c.request('login', LOGIN), /Already logged in as @alice:hs\.invalid/);
  });
});
