/**
 * The /sync loop. Each response is stored in one SQLite transaction together with its next_batch, so a crash can
 * never skip or half-apply a sync; the diff is announced only after the commit.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { SyncComplete, SyncStatus, Typing } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { sleep } from '../matrix/client.ts';
import { ConnectionError, MatrixError } from '../matrix/errors.ts';
import type { Store } from '../store/store.ts';
import type { PrepareSync } from './prepared.ts';
import { processSync } from './process-sync.ts';

export const SYNC_FILTER = {
  room: {
    state: { lazy_load_members: true },
    // 50 is enough to fill a window on open; older history comes from paginate.
    timeline: { limit: 50, lazy_load_members: true },
  },
};

const LONG_POLL_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;

export interface SyncLoopDeps {
  client: MatrixClient;
  store: Store;
  userId: string;
  onSyncComplete(diff: SyncComplete): void;
  onTyping(t: Typing): void;
  onStatus(s: SyncStatus): void;
  /** The first sync of a fresh login (or the first after a reset) has been stored. */
  onInitialSync(): void;
  /**
   * The server ended the session (token revoked): syncing cannot continue. With `soft` the server only wants the
   * user to sign in again (spec: soft logout), and the local data stays.
   */
  onSessionEnded(reason: string, soft: boolean): void;
  /**
   * Async work before each response's transaction (feeding the crypto engine and decrypting). It may run again for
   * the same response after a crash, so it must give the same result twice (see crypto/sync-crypto.ts).
   */
  prepare?: PrepareSync;
  /** For tests: shorten backoff. */
  backoffBaseMs?: number;
}

export class SyncLoop {
  private readonly deps: SyncLoopDeps;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private lastStatus: SyncStatus['type'] | null = null;
  private lastSync = 0;

  constructor(deps: SyncLoopDeps) {
    this.deps = deps;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('sync stopped'));
    await this.running;
  }

  private async run(): Promise<void> {
    const { client, store, userId } = this.deps;
    const signal = this.abort.signal;
    let errorCount = 0;
    while (!signal.aborted) {
      try {
        const account = store.account.get();
        if (!account) return;
        let filterId = account.filter_id;
        if (!filterId) {
          filterId = (await client.createFilter(userId, SYNC_FILTER)).filter_id;
          store.account.setFilterID(userId, filterId);
        }
        const since = account.next_batch ?? undefined;
        const resp = await client.sync({ since, filter: filterId, timeout: since ? LONG_POLL_MS : 0 }, signal);
        if (typeof resp?.next_batch !== 'string') throw new Error('the homeserver sent a sync response without next_batch');
        const prepared = await this.deps.prepare?.(resp, signal);
        const { diff, typing } = store.transaction(() => {
          const r = processSync(store, resp, userId, since, prepared);
          store.account.setNextBatch(userId, resp.next_batch);
          return r;
        });
        errorCount = 0;
        this.lastSync = Date.now();
        this.status({ type: 'ok', last_sync: this.lastSync });
        if (hasContent(diff)) this.deps.onSyncComplete(diff);
        for (const t of typing) this.deps.onTyping(t);
        if (!since) this.deps.onInitialSync();
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof MatrixError && e.errcode === 'M_UNKNOWN_TOKEN') {
          const soft = (e.body as { soft_logout?: unknown } | undefined)?.soft_logout === true;
          const reason = soft
            ? 'The homeserver signed this session out and asks you to sign in again; your messages stay on this device.'
            : 'The homeserver ended this session (the access token is no longer valid). Sign in again.';
          this.status({ type: 'permanently-failed', error: reason, error_count: errorCount + 1 });
          this.deps.onSessionEnded(reason, soft);
          return;
        }
        errorCount++;
        let wait: number;
        if (e instanceof MatrixError && e.status === 429) {
          wait = e.retryAfterMs ?? 5000;
          this.status({ type: 'waiting', error: `Rate limited by the homeserver; retrying in ${Math.ceil(wait / 1000)} s.`, error_count: errorCount });
        } else {
          wait = Math.min((this.deps.backoffBaseMs ?? 1000) * 2 ** Math.min(errorCount - 1, 10), MAX_BACKOFF_MS);
          this.status({ type: 'erroring', error: describeSyncError(e), error_count: errorCount });
        }
        try {
          await sleep(wait, signal);
        } catch {
          return;
        }
      }
    }
  }

  private status(s: SyncStatus): void {
    if (s.type === 'ok' && this.lastStatus === 'ok') return;
    this.lastStatus = s.type;
    if (this.lastSync && s.last_sync === undefined) s.last_sync = this.lastSync;
    this.deps.onStatus(s);
  }
}

function describeSyncError(e: unknown): string {
  if (e instanceof ConnectionError) return e.message;
  if (e instanceof MatrixError) return `The homeserver answered sync with an error: ${e.message} (${e.errcode}, HTTP ${e.status}).`;
  return `Sync failed: ${errorMessage(e)}`;
}

function hasContent(d: SyncComplete): boolean {
  return !!(d.rooms || d.account_data || d.invited_rooms || d.left_rooms);
}
