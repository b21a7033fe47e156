/**
 * The /sync loop. Each response is stored in one SQLite transaction together with its next_batch, so a crash can
 * never skip or half-apply a sync; the diff is announced only after the commit.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONObject, PresenceState, PresenceUpdate, SyncComplete, SyncStatus, Typing } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { sleep } from '../matrix/client.ts';
import { ConnectionError, MatrixError, notAnsweringError } from '../matrix/errors.ts';
import type { SyncResponse } from '../matrix/types.ts';
import { waitForServer } from '../matrix/reachability.ts';
import type { Store } from '../store/store.ts';
import type { AccountDataFence } from './account-data-fence.ts';
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
/**
 * How long a request that the homeserver should answer at once may go unanswered before it counts as failed: the
 * filter, and each /sync after a failure (asked with timeout 0). The same margin the HTTP layer gives /sync beyond
 * its long poll, so a slow but working server (an initial sync being computed) fails no sooner than before; what
 * changes is that a silent connection is said within this time, not after a whole long poll and its margin.
 */
const ANSWER_WITHIN_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;
/** No sync stored for this long counts as idle: then the WAL is checkpointed (see openDatabase). */
const CHECKPOINT_IDLE_MS = 1000;

export interface SyncLoopDeps {
  client: MatrixClient;
  store: Store;
  userId: string;
  onSyncComplete(diff: SyncComplete): void;
  onTyping(t: Typing): void;
  /** Users whose presence changed in a stored sync. */
  onPresence?(p: PresenceUpdate): void;
  /**
   * Our own presence, sent with every /sync as `set_presence`: without it the server marks the user online on each
   * sync, undoing an "unavailable" set while the app is idle.
   */
  ownPresence?(): PresenceState;
  /** To-device events of a sync response, as the server sent them (the backend forwards them when asked to). */
  onToDevice?(events: JSONObject[]): void;
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
  /** Account data the backend writes and stores itself, which an older response must not undo. */
  fence?: AccountDataFence;
  /** A response carried fenced account data of `type` that may be older than the stored one: fetch it afresh. */
  onStaleAccountData?(type: string): void;
  /** For tests: shorten backoff. */
  backoffBaseMs?: number;
  /** For tests: shorten ANSWER_WITHIN_MS. */
  answerWithinMs?: number;
}

/** The timing a host may shorten (tests). */
export type SyncTiming = Pick<SyncLoopDeps, 'backoffBaseMs' | 'answerWithinMs'>;

/** What `answerSoon` gives back when retryNow dropped the request: the loop asks again at once. */
const DROPPED = Symbol('dropped for a fresh try');

export class SyncLoop {
  private readonly deps: SyncLoopDeps;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private lastStatus: SyncStatus['type'] | null = null;
  private lastSync = 0;
  /** The ignored users changed: the next /sync starts from scratch and replaces every room's timeline. */
  private resync = false;
  private checkpointTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the loop waits before trying again after a failed /sync: aborting it ends the wait (retryNow). */
  private wake: AbortController | null = null;
  /**
   * Set while a request that should be answered at once is under way (the filter, or a /sync made after a failed
   * one): aborting it drops that request so the loop asks again at once (retryNow). A connection can go silent
   * without ever failing. Cleared as soon as the answer is in: an answer that arrived is always stored.
   */
  private retrying: AbortController | null = null;

  constructor(deps: SyncLoopDeps) {
    this.deps = deps;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('sync stopped'));
    clearTimeout(this.checkpointTimer);
    await this.running;
    clearTimeout(this.checkpointTimer);
  }

  /**
   * The user's "Retry now" while /sync is failing: ends the wait after a failed /sync (the backoff, or the
   * homeserver's Retry-After), or drops the try under way that has not been answered yet (or the first sync's filter
   * request), so that a fresh one starts now. False when there is neither (sync is working, an answer is being
   * stored, or the loop has stopped).
   */
  retryNow(): boolean {
    const current = this.wake ?? this.retrying;
    if (!current) return false;
    current.abort(new Error('retrying now'));
    return true;
  }

  /** Checkpoints once no sync has been stored for a while (each stored sync restarts the wait). */
  private checkpointWhenIdle(): void {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      if (this.abort.signal.aborted) return;
      try {
        this.deps.store.checkpoint();
      } catch {
        // Harmless: the data is committed in the WAL either way, and the next idle moment tries again.
      }
    }, CHECKPOINT_IDLE_MS);
    this.checkpointTimer.unref();
  }

  private async run(): Promise<void> {
    const { client, store, userId } = this.deps;
    const signal = this.abort.signal;
    let errorCount = 0;
    let next: PendingSync | undefined;
    while (!signal.aborted) {
      try {
        const account = store.account.get();
        if (!account) return;
        let filterId = account.filter_id;
        if (!filterId) {
          // Only the first sync of an account waits for this; a server that hangs here must be said, as for /sync.
          const filter = await this.answerSoon((s) => client.createFilter(userId, SYNC_FILTER, s), signal);
          if (filter === DROPPED) continue;
          filterId = filter.filter_id;
          store.account.setFilterID(userId, filterId);
        }
        const resyncing = this.resync;
        const since = resyncing ? undefined : account.next_batch ?? undefined;
        const pending = next;
        next = undefined;
        let resp: SyncResponse;
        let sentAt: number;
        if (pending && errorCount === 0 && pending.since === since && pending.filter === filterId) {
          sentAt = pending.sentAt;
          resp = await pending.response;
        } else {
          pending?.abort.abort(new Error('sync request no longer needed'));
          sentAt = this.deps.fence?.now() ?? 0;
          const ask = (timeout: number, s: AbortSignal) =>
            client.sync({ since, filter: filterId, timeout, setPresence: this.deps.ownPresence?.() }, s);
          if (errorCount === 0) {
            resp = await ask(since ? LONG_POLL_MS : 0, signal);
          } else {
            // After a failure the server is asked to answer at once (timeout 0): a try that stays unanswered is
            // then one more failure, said within ANSWER_WITHIN_MS, and the user may drop it for a fresh one.
            const answer = await this.answerSoon((s) => ask(0, s), signal);
            // Dropped on purpose: not one more failure, and no wait before the fresh try. Nothing was stored, so the
            // next turn asks with the same since.
            if (answer === DROPPED) continue;
            resp = answer;
          }
        }
        if (typeof resp?.next_batch !== 'string') throw new Error('the homeserver sent a sync response without next_batch');
        // Before the next request: asking with since=next_batch lets the server drop this response's to-device
        // events, so the crypto engine must have taken them into its own store first.
        const prepared = await this.deps.prepare?.(resp, signal);
        // Ask for the next response before storing this one, so that the homeserver prepares it and it travels
        // while this one is ingested (catching up, that is most of the wait). It is used only if this one is stored:
        // then the stored next_batch is its since. Its error, if any, is handled when it is awaited.
        next = requestSync(client, resp.next_batch, filterId, signal, this.deps.ownPresence?.(), this.deps.fence?.now() ?? 0);
        const stale = this.staleAccountData(resp, sentAt);
        const { diff, typing, presence, ignoredChanged } = store.transaction(() => {
          const r = processSync(store, resp, userId, since, { resetTimelines: resyncing, skipAccountData: stale }, prepared);
          store.account.setNextBatch(userId, resp.next_batch);
          return r;
        });
        errorCount = 0;
        // An initial sync (or a resync) already came filtered by the list it carries: nothing to redo. The request
        // made ahead of time is dropped by the next turn, as its since is no longer the one used.
        this.resync = ignoredChanged && since !== undefined;
        this.checkpointWhenIdle();
        this.lastSync = Date.now();
        this.status({ type: 'ok', error_count: 0, last_sync: this.lastSync });
        if (hasContent(diff)) this.deps.onSyncComplete(diff);
        for (const t of typing) this.deps.onTyping(t);
        if (presence.length) this.deps.onPresence?.({ users: presence });
        const toDevice = resp.to_device?.events;
        if (toDevice?.length) this.deps.onToDevice?.(toDevice);
        if (!since && !resyncing) this.deps.onInitialSync();
        for (const type of stale) this.deps.onStaleAccountData?.(type);
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
          this.status({ type: 'waiting', error: `Rate limited by the homeserver; retrying in ${describeWait(wait)}.`, error_count: errorCount });
        } else {
          wait = Math.min((this.deps.backoffBaseMs ?? 1000) * 2 ** Math.min(errorCount - 1, 10), MAX_BACKOFF_MS);
          this.status({ type: 'erroring', error: describeSyncError(e), error_count: errorCount });
        }
        // An outage (no answer, or a gateway's 5xx) ends as soon as the server answers anything (a probe, a send);
        // a rate limit or another error from the server itself is waited out in full, unless the user asks to retry.
        const outage = e instanceof ConnectionError || (e instanceof MatrixError && e.status >= 500);
        const wake = new AbortController();
        this.wake = wake;
        try {
          const until = AbortSignal.any([signal, wake.signal]);
          await (outage ? waitForServer(client, wait, until) : sleep(wait, until));
        } catch {
          if (signal.aborted) return;
          // retryNow ended the wait: the next turn tries at once.
        } finally {
          this.wake = null;
        }
      }
    }
  }

  /**
   * A request the homeserver should answer at once. retryNow may drop it until its answer is in (DROPPED), and one
   * left unanswered for ANSWER_WITHIN_MS fails as a server that is not answering: the status then says so, and
   * "Retry now" is offered again, instead of the request waiting out the HTTP layer's longer timeout.
   */
  private async answerSoon<T>(send: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T | typeof DROPPED> {
    const retry = new AbortController();
    const within = this.deps.answerWithinMs ?? ANSWER_WITHIN_MS;
    const silence = AbortSignal.timeout(within);
    this.retrying = retry;
    try {
      return await send(AbortSignal.any([signal, retry.signal, silence]));
    } catch (e) {
      if (signal.aborted) throw e;
      if (retry.signal.aborted) return DROPPED;
      if (silence.aborted) throw notAnsweringError(this.deps.client.baseUrl, within);
      throw e;
    } finally {
      this.retrying = null;
    }
  }

  /** The account data types of `resp` written locally after its request was sent (see AccountDataFence). */
  private staleAccountData(resp: SyncResponse, sentAt: number): Set<string> {
    const stale = new Set<string>();
    const fence = this.deps.fence;
    if (!fence || !Array.isArray(resp.account_data?.events)) return stale;
    for (const ad of resp.account_data.events) {
      if (typeof ad?.type === 'string' && fence.isStale(ad.type, sentAt)) stale.add(ad.type);
    }
    return stale;
  }

  private status(s: SyncStatus): void {
    if (s.type === 'ok' && this.lastStatus === 'ok') return;
    this.lastStatus = s.type;
    if (this.lastSync && s.last_sync === undefined) s.last_sync = this.lastSync;
    this.deps.onStatus(s);
  }
}

/** A /sync requested ahead of time (see run). */
interface PendingSync {
  since: string;
  filter: string;
  response: Promise<SyncResponse>;
  abort: AbortController;
  /** The account data fence's tick when it was sent. */
  sentAt: number;
}

function requestSync(client: MatrixClient, since: string, filter: string, signal: AbortSignal,
  setPresence: PresenceState | undefined, sentAt: number): PendingSync {
  const abort = new AbortController();
  const response = client.sync({ since, filter, timeout: LONG_POLL_MS, setPresence }, AbortSignal.any([signal, abort.signal]));
  void response.catch(() => undefined); // awaited later, or dropped if its since is never stored
  return { since, filter, response, abort, sentAt };
}

/** A wait in words: seconds up to two minutes, then minutes ("60 min", not "3600 s"). */
function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

function describeSyncError(e: unknown): string {
  if (e instanceof ConnectionError) return e.message;
  if (e instanceof MatrixError) return `The homeserver answered sync with an error: ${e.message} (${e.errcode}, HTTP ${e.status}).`;
  return `Sync failed: ${errorMessage(e)}`;
}

function hasContent(d: SyncComplete): boolean {
  return !!(d.rooms || d.account_data || d.invited_rooms || d.left_rooms || d.space_edges || d.top_level_spaces);
}
