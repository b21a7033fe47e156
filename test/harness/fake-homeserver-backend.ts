/**
 * An in-process backend on a fake homeserver, for unit tests of what a test Synapse cannot show: login and the
 * filter answered, one first sync (the test's), every later sync left waiting, and every other request passed to
 * the test's `route` (unrouted ones get Synapse's 404 M_UNRECOGNIZED). Data lives in a fresh temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Backend } from '../../src/main/backend/backend.ts';
import { FakeFetch, json, matrixError, never, type FakeRequest } from './fake-fetch.ts';
import { MemorySecrets } from './memory-secrets.ts';
import { RpcTestClient } from './rpc-test-client.ts';

export const FAKE_HS = 'http://hs.invalid';
export const FAKE_ME = '@alice:hs.invalid';

export interface FakeHomeserverOptions {
  /** The first /sync's answer. */
  firstSync: unknown;
  /** Answers a request other than login, filter and sync; undefined for none (404 M_UNRECOGNIZED). */
  route: (req: FakeRequest) => Response | Promise<Response> | undefined;
  /** The temporary folder's name prefix. */
  name: string;
}

export class FakeHomeserverBackend {
  readonly fake: FakeFetch;
  readonly backend: Backend;
  readonly client: RpcTestClient;
  private readonly root: string;

  private constructor(fake: FakeFetch, backend: Backend, client: RpcTestClient, root: string) {
    this.fake = fake;
    this.backend = backend;
    this.client = client;
    this.root = root;
  }

  static async start(opts: FakeHomeserverOptions): Promise<FakeHomeserverBackend> {
    const root = mkdtempSync(path.join(tmpdir(), `lattice-${opts.name}-`));
    let synced = false;
    const fake = new FakeFetch((req) => {
      const p = req.url.pathname;
      if (p === '/_matrix/client/v3/login') return json(200, { user_id: FAKE_ME, access_token: 'tok', device_id: 'DEV' });
      if (p.endsWith('/filter')) return json(200, { filter_id: 'f1' });
      if (p === '/_matrix/client/v3/sync') {
        if (synced) return never(req);
        synced = true;
        return json(200, opts.firstSync);
      }
      return opts.route(req) ?? matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    });
    const backend = await Backend.create({
      paths: { config: root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: root },
      fetch: fake.fetch, secrets: { store: new MemorySecrets() },
    });
    return new FakeHomeserverBackend(fake, backend, RpcTestClient.inProcess(backend), root);
  }

  /** Signs Alice in and waits for the first sync to be stored. */
  async signIn(): Promise<void> {
    await this.client.request('login', { homeserver_url: FAKE_HS, username: 'alice', password: 'pw' });
    await this.client.waitForEvent('init_complete', () => true, 10_000, false);
  }

  async close(): Promise<void> {
    this.client.close();
    await this.backend.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
