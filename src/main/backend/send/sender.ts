/**
 * Sending: the local echo is stored and returned at once; delivery runs in the background with the same
 * transaction ID on every retry, so the homeserver deduplicates and a message goes out once.
 */
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../../shared/error-message.ts';
import { NOT_SENT, type Event, type JSONObject, type SendComplete } from '../../../shared/rpc/index.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { sleep } from '../matrix/client.ts';
import { ConnectionError, MatrixError } from '../matrix/errors.ts';
import type { Store } from '../store/store.ts';
import { localContent } from '../sync/ingest-event.ts';

const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 500;

/** Turns an event into what goes on the wire: m.room.encrypted in an encrypted room, unchanged otherwise. */
export type Seal = (roomId: string, type: string, content: JSONObject) => Promise<{ type: string; content: JSONObject }>;

export interface SenderOptions {
  /** First retry waits twice this, then doubling, unless the server says how long (tests shorten it). */
  retryBaseMs?: number;
  /** Encryption, when the session has it. */
  seal?: Seal;
}

export class Sender {
  private readonly client: MatrixClient;
  private readonly store: Store;
  private readonly userId: string;
  private readonly onComplete: (c: SendComplete) => void;
  private readonly retryBaseMs: number;
  private readonly seal: Seal | undefined;
  private readonly abort = new AbortController();
  /** Per-room delivery chains: messages leave in the order they were written, even across retries. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(client: MatrixClient, store: Store, userId: string, onComplete: (c: SendComplete) => void,
    opts: SenderOptions = {}) {
    this.client = client;
    this.store = store;
    this.userId = userId;
    this.onComplete = onComplete;
    this.retryBaseMs = opts.retryBaseMs ?? RETRY_BASE_MS;
    this.seal = opts.seal;
  }

  /**
   * Stores the local echo and starts delivery. `done` settles with the final event (or the failure). With
   * `unencrypted` the event goes out in the clear even in an encrypted room (`/unencrypted`, `disable_encryption`).
   */
  send(roomId: string, type: string, content: JSONObject, unencrypted = false): { echo: Event; done: Promise<SendComplete> } {
    const txnId = `lat${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
    const rel = content['m.relates_to'] as JSONObject | undefined;
    const rowid = this.store.events.insert({
      room_id: roomId,
      event_id: `~${txnId}`,
      sender: this.userId,
      type,
      timestamp: Date.now(),
      content,
      transaction_id: txnId,
      send_error: NOT_SENT,
      local_content: localContent(type, content, rel && typeof rel.rel_type === 'string' ? rel.rel_type : undefined),
      relates_to: rel && typeof rel.event_id === 'string' ? rel.event_id : undefined,
      relation_type: rel && typeof rel.rel_type === 'string' ? rel.rel_type : undefined,
    });
    const echo = this.store.events.get(rowid)!;
    const prev = this.queues.get(roomId) ?? Promise.resolve();
    const done = prev.then(() => this.deliver(rowid, roomId, type, txnId, content, unencrypted));
    this.queues.set(roomId, done);
    void done.finally(() => { if (this.queues.get(roomId) === done) this.queues.delete(roomId); });
    return { echo, done };
  }

  stop(): void {
    this.abort.abort(new Error('backend stopping'));
  }

  private async deliver(rowid: number, roomId: string, type: string, txnId: string, content: JSONObject,
    unencrypted: boolean): Promise<SendComplete> {
    let lastError = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        // Sealed on every attempt: the same transaction ID makes the server keep only the first that arrives.
        const wire = this.seal && !unencrypted ? await this.seal(roomId, type, content) : { type, content };
        const { event_id } = await this.client.send.sendEvent(roomId, wire.type, txnId, wire.content, this.abort.signal);
        // The remote echo may have arrived through sync first and already set the same event ID.
        this.store.events.setSendResult(rowid, event_id, null);
        return this.complete(rowid, null);
      } catch (e) {
        if (this.abort.signal.aborted) return this.complete(rowid, `${NOT_SENT}: Lattice was closing`);
        lastError = errorMessage(e);
        const transient = e instanceof ConnectionError || (e instanceof MatrixError && !e.isPermanent);
        if (!transient || attempt === MAX_ATTEMPTS) break;
        const wait = e instanceof MatrixError && e.retryAfterMs !== undefined ? e.retryAfterMs : this.retryBaseMs * 2 ** attempt;
        try { await sleep(Math.min(wait, 30_000), this.abort.signal); } catch { break; }
      }
    }
    const current = this.store.events.get(rowid);
    this.store.events.setSendResult(rowid, current?.event_id ?? `~${txnId}`, lastError || 'unknown error');
    return this.complete(rowid, lastError || 'unknown error');
  }

  private complete(rowid: number, error: string | null): SendComplete {
    const c: SendComplete = { event: this.store.events.get(rowid)!, error };
    this.onComplete(c);
    return c;
  }
}
