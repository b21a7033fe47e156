/**
 * Benchmark child: Lattice's backend in its worker thread, as the app runs it, logging in to the fake homeserver
 * and syncing until the last recorded response is stored. Speaks the line protocol of child-protocol.ts.
 * The benchmark runs it bundled like the app (see bundle-clients.ts); its data goes to BENCH_DATA_DIR, which the
 * benchmark removes.
 */
import path from 'node:path';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import type { Envelope, SyncComplete } from '../../src/shared/rpc/index.ts';
import { childMain } from './child-protocol.ts';

await childMain(async ({ homeserverUrl, lastSince, mark }) => {
  const dir = process.env.BENCH_DATA_DIR;
  if (!dir) throw new Error('BENCH_DATA_DIR is not set');
  const paths = { config: path.join(dir, 'config'), data: path.join(dir, 'data'), cache: path.join(dir, 'cache'), logs: path.join(dir, 'logs') };
  // No keychain in a benchmark: the 0600 file store holds the token.
  const worker = await BackendWorker.start({ paths, insecureSecretsFile: true });
  return async () => {
    await new Promise<void>((resolve, reject) => {
      let loggedIn = false;
      const conn = worker.connect((env: Envelope) => {
        if (env.command === 'response' && env.request_id === 1) loggedIn = true;
        else if (env.command === 'error' && env.request_id === 1) reject(new Error(`login failed: ${JSON.stringify(env.data)}`));
        else if (env.command === 'init_complete' && loggedIn) mark('initial');
        else if (env.command === 'sync_complete' && (env.data as SyncComplete).since === lastSince) resolve();
      });
      conn.receive({ command: 'login', request_id: 1, data: { homeserver_url: homeserverUrl, username: 'me', password: 'bench' } });
    });
    return () => worker.stop();
  };
});
