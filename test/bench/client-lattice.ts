/**
 * Benchmark child: Lattice's backend in its worker thread, as the app runs it, logging in to the fake homeserver
 * and syncing until the last recorded response is stored. Speaks the line protocol of child-protocol.ts.
 * The benchmark runs it bundled like the app (see bundle-clients.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import type { Envelope, SyncComplete } from '../../src/shared/rpc/index.ts';
import { childMain } from './child-protocol.ts';

await childMain(async ({ homeserverUrl, lastSince, mark }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lattice-bench-client-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const paths = { config: path.join(dir, 'config'), data: path.join(dir, 'data'), cache: path.join(dir, 'cache'), logs: path.join(dir, 'logs') };
  // No keychain in a benchmark: the 0600 file store holds the token.
  const worker = await BackendWorker.start({ paths, insecureSecretsFile: true, log: () => {} });
  return () => new Promise<void>((resolve, reject) => {
    let loggedIn = false;
    const conn = worker.connect((env: Envelope) => {
      if (env.command === 'response' && env.request_id === 1) loggedIn = true;
      else if (env.command === 'error' && env.request_id === 1) reject(new Error(`login failed: ${JSON.stringify(env.data)}`));
      else if (env.command === 'init_complete' && loggedIn) mark('initial');
      else if (env.command === 'sync_complete' && (env.data as SyncComplete).since === lastSince) resolve();
    });
    conn.receive({ command: 'login', request_id: 1, data: { homeserver_url: homeserverUrl, username: 'me', password: 'bench' } });
  });
});
