/**
 * The benchmark account's responses ingested straight through processSync, each in one transaction with its
 * next_batch, as the sync loop does (in-process.ts times it, alloc-sites.ts profiles its allocations, wal-pages.ts
 * looks at what its last responses write). From `since`, the batch before the first; returns the last one.
 */
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';
import type { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import { OWN_USER } from './synthetic-account.ts';

export function ingestAccount(store: Store, responses: readonly SyncResponse[], from?: string): string | undefined {
  let since = from;
  for (const r of responses) {
    store.transaction(() => {
      processSync(store, r, OWN_USER, since);
      store.account.setNextBatch(OWN_USER, r.next_batch);
    });
    since = r.next_batch;
  }
  return since;
}
