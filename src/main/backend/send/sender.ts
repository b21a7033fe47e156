/**
 * Sending through the persisted outbox. `send` writes the local echo and its outbox row in one transaction and
 * returns the echo at once; each room then has one delivery loop that sends its oldest outbox entry, and only
 * when the homeserver has it, the next. Every attempt (also after a restart) reuses the entry's transaction ID,
 * so the server deduplicates and a message lands exactly once, in the order it was written.
 *
 * An unreachable homeserver, a 5xx, a 408 or a 429 is "offline", not a failure: the room waits, with its messages
 * still pending, for as long as it takes (retrying with backoff, and at once when the sync loop reconnects). Only
 * a permanent Matrix error fails a message, with the reason in words (describeSendError); the room's later messages then wait behind
 * it until it is resent (`resend`) or discarded (`discard`), so nothing overtakes it.
 *
 * A message may be written before its link previews have loaded (`waitFor`): its echo says so
 * (`local_content.waiting_for_link_previews`), and at its turn it waits for them, at most `previewWaitMs` from when
 * it was written (also across a restart: the deadline is in its outbox row), then goes with the ones that came.
 */
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../../shared/error-message.ts';
import { NOT_SENT, type Event, type JSONObject, type SendComplete } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { ConnectionError, describeSendError, MatrixError } from '../matrix/errors.ts';
import type { OutboxEntry } from '../store/outbox.ts';
import type { Store } from '../store/store.ts';
import { localContent } from '../sync/ingest-event.ts';
import { withFetchedPreviews } from './link-previews.ts';
import { WaitingPreviews, type FetchPreview } from './waiting-previews.ts';

const RETRY_BASE_MS = 500;
const MAX_RETRY_MS = 30_000;
/** How long a message waits for link previews still loading; past that it goes without them rather than not at all. */
const PREVIEW_WAIT_MS = 10_000;
/** What `done` says about a send still queued when the backend stops; the outbox sends it on the next start. */
export const CLOSING = `${NOT_SENT}: Lattice was closing`;
/** What waiting for a message's link previews ends with when the backend stops meanwhile. */
const STOPPED = Symbol('stopped');

/** Turns an event into what goes on the wire: m.room.encrypted in an encrypted room, unchanged otherwise. */
export type Seal = (roomId: string, type: string, content: JSONObject) => Promise<{ type: string; content: JSONObject }>;

export interface SenderOptions {
  /** First retry waits twice this, then doubling up to `maxRetryMs`, unless the server says how long. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  logger?: Logger;
  /** Encryption, when the session has it. */
  seal?: Seal;
  /** Fetches a link preview for a message that waits for it; without it, messages do not wait for previews. */
  fetchPreview?: FetchPreview;
  previewWaitMs?: number;
  /** A local echo changed before it was sent (the previews it waited for were added): for the frontends. */
  onEchoChanged?: (echo: Event) => void;
}

/** The retry timing a host may shorten (tests): plain values, so it can cross into the backend's worker. */
export type SenderTiming = Pick<SenderOptions, 'retryBaseMs' | 'maxRetryMs'>;

export class Sender {
  private readonly client: MatrixClient;
  private readonly store: Store;
  private readonly userId: string;
  private readonly onComplete: (c: SendComplete) => void;
  private readonly retryBaseMs: number;
  private readonly maxRetryMs: number;
  private readonly logger: Logger | undefined;
  private readonly seal: Seal | undefined;
  private readonly previewWaitMs: number;
  private readonly onEchoChanged: ((echo: Event) => void) | undefined;
  private readonly abort = new AbortController();
  private readonly previews: WaitingPreviews | undefined;
  /** Rooms whose delivery loop is running; at most one loop per room keeps its messages in order. */
  private readonly draining = new Set<string>();
  /** Callers of `send` waiting for the outcome, by transaction ID (only within this run). */
  private readonly waiters = new Map<string, (c: SendComplete) => void>();
  /** Loops sleeping before a retry that a reconnect may cut short. */
  private readonly wakers = new Set<() => void>();

  constructor(client: MatrixClient, store: Store, userId: string, onComplete: (c: SendComplete) => void,
    opts: SenderOptions = {}) {
    this.client = client;
    this.store = store;
    this.userId = userId;
    this.onComplete = onComplete;
    this.retryBaseMs = opts.retryBaseMs ?? RETRY_BASE_MS;
    this.maxRetryMs = opts.maxRetryMs ?? MAX_RETRY_MS;
    this.logger = opts.logger;
    this.seal = opts.seal;
    this.previewWaitMs = opts.previewWaitMs ?? PREVIEW_WAIT_MS;
    this.onEchoChanged = opts.onEchoChanged;
    this.previews = opts.fetchPreview && new WaitingPreviews(opts.fetchPreview, this.abort.signal);
  }

  /** Picks up what the outbox kept from an earlier run (messages queued when the app quit or was killed). */
  start(): void {
    for (const roomId of this.store.outbox.rooms()) this.kick(roomId);
  }

  /**
   * Stores the local echo and queues it. `done` settles with the final event (or the failure). With `unencrypted`
   * the event goes out in the clear even in an encrypted room (`/unencrypted`, `disable_encryption`); the outbox
   * remembers that, also across a restart, as it does `ts` (the origin_server_ts asked for with /timestamp, which
   * the homeserver honours for application services; the local echo shows that time meanwhile). `waitFor` are
   * links whose previews were still loading: they are fetched now and the message waits for them (see above).
   */
  send(roomId: string, type: string, content: JSONObject, unencrypted = false, ts?: number,
    waitFor: readonly string[] = []): { echo: Event; done: Promise<SendComplete> } {
    const txnId = `lat${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
    const rel = content['m.relates_to'] as JSONObject | undefined;
    const urls = this.previews ? [...new Set(waitFor)] : [];
    const local = localContent(type, content, rel && typeof rel.rel_type === 'string' ? rel.rel_type : undefined);
    const rowid = this.store.transaction(() => {
      const id = this.store.events.insert({
        room_id: roomId,
        event_id: `~${txnId}`,
        sender: this.userId,
        type,
        timestamp: ts ?? Date.now(),
        content,
        transaction_id: txnId,
        send_error: NOT_SENT,
        local_content: urls.length ? { ...local, waiting_for_link_previews: urls.length } : local,
        relates_to: rel && typeof rel.event_id === 'string' ? rel.event_id : undefined,
        relation_type: rel && typeof rel.rel_type === 'string' ? rel.rel_type : undefined,
      });
      this.store.outbox.add(roomId, id, txnId, unencrypted, Date.now(), ts ?? null,
        urls.length ? { urls, until: Date.now() + this.previewWaitMs } : null);
      return id;
    });
    if (urls.length) this.previews?.start(txnId, urls, this.encryptsPreviews(roomId, unencrypted));
    const echo = this.store.events.get(rowid)!;
    const done = new Promise<SendComplete>((resolve) => this.waiters.set(txnId, resolve));
    this.kick(roomId);
    return { echo, done };
  }

  /** Queues a failed event again, in its place: the room's later messages still wait for it. */
  resend(txnId: string): Event {
    const entry = this.failedEntry(txnId);
    this.store.transaction(() => {
      this.store.outbox.setFailed(txnId, null);
      this.store.events.setSendResult(entry.event_rowid, `~${txnId}`, NOT_SENT);
    });
    this.kick(entry.room_id);
    return this.store.events.get(entry.event_rowid)!;
  }

  /** Drops a failed event (its local echo too); the room's later messages go on. Returns the dropped echo. */
  discard(txnId: string): Event {
    const entry = this.failedEntry(txnId);
    const echo = this.store.events.get(entry.event_rowid)!;
    this.store.outbox.discard(entry);
    this.kick(entry.room_id);
    return echo;
  }

  /** The connection is back (the sync loop recovered): retry every waiting room now instead of after its backoff. */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  stop(): void {
    this.abort.abort(new Error('backend stopping'));
    this.wake();
    for (const [txnId, resolve] of this.waiters) {
      const rowid = this.store.events.rowidByTransactionID(txnId);
      const event = rowid === undefined ? undefined : this.store.events.get(rowid);
      if (event) resolve({ event, error: CLOSING });
    }
    this.waiters.clear();
  }

  private failedEntry(txnId: string): OutboxEntry {
    const entry = this.store.outbox.get(txnId);
    if (!entry) {
      throw new Error(this.store.events.rowidByTransactionID(txnId) === undefined
        ? `Unknown transaction ID ${txnId}: no message was sent with it.`
        : 'That message was already sent.');
    }
    if (entry.failed_error === null) throw new Error('That message has not failed: it is still waiting to be sent.');
    return entry;
  }

  private kick(roomId: string): void {
    if (this.abort.signal.aborted || this.draining.has(roomId)) return;
    this.draining.add(roomId);
    void this.drain(roomId).catch((e: unknown) => {
      this.draining.delete(roomId);
      this.logger?.error(`outbox: delivery stopped: ${errorMessage(e)}`, { room_id: roomId });
    });
  }

  /** Sends the room's outbox in order until it is empty, its head has failed, or the backend stops. */
  private async drain(roomId: string): Promise<void> {
    for (;;) {
      const head = this.store.outbox.head(roomId);
      // Leaving `draining` in the same tick as the empty read: a send() after this starts a new loop.
      if (!head || head.failed_error !== null || this.abort.signal.aborted) {
        this.draining.delete(roomId);
        return;
      }
      if (!(await this.deliver(head))) {
        this.draining.delete(roomId);
        return;
      }
    }
  }

  /** One entry, retried until it is sent or refused for good. False when the backend is stopping. */
  private async deliver(entry: OutboxEntry): Promise<boolean> {
    const { transaction_id: txnId, event_rowid: rowid, room_id: roomId } = entry;
    let echo = this.store.events.get(rowid);
    if (!echo) { this.store.outbox.remove(txnId); return true; }
    if (!echo.event_id.startsWith('~')) {
      // Its remote echo came through sync already (sent before a restart): the server has it.
      this.store.outbox.remove(txnId);
      this.complete(txnId, rowid, null);
      return true;
    }
    const signal = this.abort.signal;
    if (entry.preview_urls) {
      const waited = await this.withPreviews(entry);
      if (waited === STOPPED) return false;
      // Its echo went while it waited (its room was left and forgotten): nothing is left to send.
      if (!waited) { this.store.outbox.remove(txnId); return true; }
      echo = waited;
    }
    let attempt = 0;
    for (;;) {
      try {
        // Sealed on every attempt: the same transaction ID makes the server keep only the first that arrives.
        const wire = this.seal && !entry.unencrypted
          ? await this.seal(roomId, echo.type, echo.content)
          : { type: echo.type, content: echo.content };
        const { event_id } = await this.client.send.sendEvent(roomId, wire.type, txnId, wire.content, signal, entry.ts ?? undefined);
        const finalRowid = this.store.transaction(() => this.markSent(entry, event_id));
        this.complete(txnId, finalRowid, null);
        return true;
      } catch (e) {
        if (signal.aborted) return false;
        if (isPermanent(e)) {
          const reason = describeSendError(e);
          this.logger?.warn('outbox: the homeserver refused a message for good', {
            room_id: roomId, errcode: e instanceof MatrixError ? e.errcode : null,
          });
          this.store.transaction(() => {
            this.store.outbox.setFailed(txnId, reason);
            this.store.events.setSendResult(rowid, echo.event_id, reason);
          });
          this.complete(txnId, rowid, reason);
          return true;
        }
        attempt++;
        const serverWait = e instanceof MatrixError ? e.retryAfterMs : undefined;
        const wait = serverWait ?? Math.min(this.retryBaseMs * 2 ** attempt, this.maxRetryMs);
        if (attempt === 1) this.logger?.info(`outbox: waiting for the homeserver: ${errorMessage(e)}`, { room_id: roomId });
        // A rate limit is the server's own word on when to come back; a reconnect does not cut it short.
        if (await this.pause(wait, serverWait === undefined)) attempt = 0;
      }
    }
  }

  /**
   * Waits for the link previews the entry waits for (see WaitingPreviews) and stores its echo with the ones that
   * came, no longer waiting. STOPPED when the backend stopped meanwhile (it waits again, for what is left of its
   * time, on the next start); undefined when the echo is gone.
   */
  private async withPreviews(entry: OutboxEntry): Promise<Event | undefined | typeof STOPPED> {
    const urls = entry.preview_urls ?? [];
    const fetched = await this.previews?.collect(entry.transaction_id, urls,
      this.encryptsPreviews(entry.room_id, entry.unencrypted), entry.preview_until ?? 0) ?? [];
    if (this.abort.signal.aborted) return STOPPED;
    // Its row is gone if its room was forgotten meanwhile (and its rowid may already be another event's).
    const echo = this.store.outbox.get(entry.transaction_id) && this.store.events.get(entry.event_rowid);
    if (!echo) return undefined;
    const content = withFetchedPreviews(echo.content, fetched);
    const local = { ...echo.local_content };
    delete local.waiting_for_link_previews;
    this.store.transaction(() => {
      this.store.events.setLocalEchoContent(entry.event_rowid, content, Object.keys(local).length ? local : undefined);
      this.store.outbox.stopWaitingForPreviews(entry.transaction_id);
    });
    const updated = this.store.events.get(entry.event_rowid)!;
    this.onEchoChanged?.(updated);
    return updated;
  }

  /** An encrypted room's previews carry their picture encrypted, unless the message itself goes in the clear. */
  private encryptsPreviews(roomId: string, unencrypted: boolean): boolean {
    return !unencrypted && this.store.rooms.get(roomId)?.encryption_event !== undefined;
  }

  /** Records the server's event ID. Returns the rowid that now holds the event. */
  private markSent(entry: OutboxEntry, eventId: string): number {
    const other = this.store.events.rowidByEventID(eventId);
    if (other !== undefined && other !== entry.event_rowid) {
      // The remote echo was stored as a row of its own (it came without our transaction ID): keep that one.
      this.store.outbox.discard(entry);
      return other;
    }
    this.store.events.setSendResult(entry.event_rowid, eventId, null);
    this.store.outbox.remove(entry.transaction_id);
    return entry.event_rowid;
  }

  /** Sleeps before a retry. True if a reconnect (`wake`) ended the sleep early. */
  private pause(ms: number, wakeable: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.wakers.delete(onWake);
        signal.removeEventListener('abort', onAbort);
        resolve(woken);
      };
      const onWake = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      if (wakeable) this.wakers.add(onWake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private complete(txnId: string, rowid: number, error: string | null): void {
    const event = this.store.events.get(rowid);
    if (!event) return;
    const c: SendComplete = { event, error };
    const waiter = this.waiters.get(txnId);
    this.waiters.delete(txnId);
    waiter?.(c);
    this.onComplete(c);
  }
}

/**
 * Errors that retrying will never fix. An invalid access token is not one of them for a message: the session
 * ends and the message waits in the outbox for the next sign-in rather than being marked failed.
 */
function isPermanent(e: unknown): boolean {
  if (e instanceof ConnectionError) return false;
  if (e instanceof MatrixError) return e.isPermanent && e.errcode !== 'M_UNKNOWN_TOKEN';
  return true;
}
