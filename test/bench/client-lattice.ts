/**
 * Benchmark child: Lattice's backend in its worker thread, as the app runs it, logging in to the fake homeserver
 * and syncing until the last recorded response is stored. Speaks the line protocol of child-protocol.ts.
 * The benchmark runs it bundled like the app (see bundle-clients.ts); its data goes to BENCH_DATA_DIR, which the
 * benchmark removes.
 *
 * With BENCH_RPC=1 it then measures, over the RPC as a frontend sees it (figures reported with DONE): the backend
 * stopped and started again on the same data (a restart of the app), the worker's start (thread, code, database and
 * crypto store opened), then from a first connection's opening to its first sync_complete, and the same for a
 * second connection; then `paginate`
 * of 50 events from the local database, round trips through the worker channel.
 */
import path from 'node:path';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { dataText } from '../../src/main/host/serialized-envelope.ts';
import type { BackendHost } from '../../src/main/backend/rpc/connection.ts';
import type { Envelope, SyncComplete } from '../../src/shared/rpc/index.ts';
import { childMain } from './child-protocol.ts';
import { benchRoomId } from './synthetic-account.ts';

const PAGINATE_CALLS = 1000;
/** The benchmark account's rooms (backend.bench.ts). */
const ROOMS = Number(process.env.BENCH_ROOMS ?? 500);

await childMain(async ({ homeserverUrl, lastSince, mark, figures }) => {
  const dir = process.env.BENCH_DATA_DIR;
  if (!dir) throw new Error('BENCH_DATA_DIR is not set');
  const paths = { config: path.join(dir, 'config'), data: path.join(dir, 'data'), cache: path.join(dir, 'cache'), logs: path.join(dir, 'logs') };
  // No keychain in a benchmark: the 0600 file store holds the token.
  let worker = await BackendWorker.start({ paths, insecureSecretsFile: true });
  return async () => {
    await new Promise<void>((resolve, reject) => {
      let loggedIn = false;
      const conn = worker.connect((env: Envelope) => {
        if (env.command === 'response' && env.request_id === 1) loggedIn = true;
        else if (env.command === 'error' && env.request_id === 1) reject(new Error(`login failed: ${JSON.stringify(env.data)}`));
        else if (env.command === 'init_complete' && loggedIn) mark('initial');
        else if (env.command === 'sync_complete' && isLast(env, lastSince)) resolve();
      });
      conn.receive({ command: 'login', request_id: 1, data: { homeserver_url: homeserverUrl, username: 'me', password: 'bench' } });
    });
    if (process.env.BENCH_RPC === '1') {
      await worker.stop();
      const t0 = performance.now();
      worker = await BackendWorker.start({ paths, insecureSecretsFile: true });
      figures.workerStartMs = performance.now() - t0;
      const t2 = performance.now();
      await firstSyncComplete(worker);
      figures.restartFirstSyncMs = performance.now() - t2;
      const t1 = performance.now();
      const bytes = await firstSyncComplete(worker);
      figures.newConnectionFirstSyncMs = performance.now() - t1;
      figures.firstSyncBytes = bytes;
      Object.assign(figures, await paginateTimes(worker));
    }
    return () => worker.stop();
  };
});

/**
 * Whether this sync_complete is the last response's. Like the web host's relay, this thread only looks at the
 * text the worker sent (serialized-envelope.ts), parsing the one diff that names the last since.
 */
function isLast(env: Envelope, lastSince: string): boolean {
  const text = dataText(env);
  if (text !== undefined && !text.includes(`"since":${JSON.stringify(lastSince)}`)) return false;
  return (env.data as SyncComplete).since === lastSince;
}

/**
 * Opens a connection and waits for its whole room list: the sync_complete envelopes up to the one that carries
 * `since` (a long list comes in chunks, the last with `since`); returns their size as JSON.
 */
function firstSyncComplete(host: BackendHost): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    const conn = host.connect((env: Envelope) => {
      if (env.command !== 'sync_complete') return;
      bytes += JSON.stringify(env).length;
      if ((env.data as SyncComplete).since === undefined) return;
      conn.close();
      resolve(bytes);
    });
  });
}

/** `paginate` round trips from a new connection, over many rooms, one at a time as a scrolling frontend asks. */
async function paginateTimes(host: BackendHost): Promise<Record<string, number>> {
  const waiting = new Map<number, (env: Envelope) => void>();
  const conn = host.connect((env: Envelope) => {
    if (typeof env.request_id === 'number') waiting.get(env.request_id)?.(env);
  });
  const times: number[] = [];
  for (let i = 0; i < PAGINATE_CALLS; i++) {
    const id = 100 + i;
    const s = performance.now();
    const reply = await new Promise<Envelope>((resolve) => {
      waiting.set(id, resolve);
      conn.receive({ command: 'paginate', request_id: id, data: { room_id: benchRoomId((i * 13) % ROOMS), limit: 50 } });
    });
    times.push(performance.now() - s);
    waiting.delete(id);
    if (reply.command !== 'response') throw new Error(`paginate failed: ${JSON.stringify(reply.data)}`);
  }
  conn.close();
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  return { paginateP50Ms: pct(0.5), paginateP95Ms: pct(0.95), paginateCalls: times.length };
}
