/**
 * Benchmark child: matrix-js-sdk logging in to the fake homeserver and syncing until the last recorded response
 * is processed. BENCH_STORE=memory keeps everything in its MemoryStore; BENCH_STORE=indexeddb persists the sync
 * accumulator to IndexedDB (fake-indexeddb standing in for the browser's) the way Element does.
 */
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import { childMain } from './child-protocol.ts';

await childMain(async ({ homeserverUrl, lastSince, mark }) => {
  const persist = process.env.BENCH_STORE === 'indexeddb';
  const fake = await import('fake-indexeddb');
  // The SDK's IndexedDB backend uses the browser globals.
  if (persist) Object.assign(globalThis, { indexedDB: fake.indexedDB, IDBKeyRange: fake.IDBKeyRange });
  const sdk = await import('matrix-js-sdk');
  // Logging off (it would write to the protocol's stdout), through the SDK's global logger (a loglevel logger)
  // and the client's own.
  const { logger } = await import('matrix-js-sdk/lib/logger.js');
  (logger as unknown as { setLevel(level: string): void }).setLevel('silent');
  const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild: () => silent };
  return async () => {
    const login = await sdk.createClient({ baseUrl: homeserverUrl, logger: silent }).loginRequest({
      type: 'm.login.password', identifier: { type: 'm.id.user', user: 'me' }, password: 'bench',
    });
    const store = persist
      ? new sdk.IndexedDBStore({ indexedDB: fake.indexedDB, dbName: 'bench', localStorage: undefined })
      : new sdk.MemoryStore();
    const client = sdk.createClient({
      baseUrl: homeserverUrl, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id, store, logger: silent,
    });
    if (persist) await (store as InstanceType<typeof sdk.IndexedDBStore>).startup();
    await new Promise<void>((resolve) => {
      client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
        if (state === sdk.SyncState.Prepared) mark('initial');
        if (data?.oldSyncToken === lastSince) resolve();
      });
      // Element's settings: lazy-loaded members; the same timeline limit as Lattice's filter.
      void client.startClient({ initialSyncLimit: 50, lazyLoadMembers: true });
    });
    return async () => { client.stopClient(); };
  };
});
