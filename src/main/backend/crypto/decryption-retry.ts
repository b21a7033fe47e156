/**
 * Decrypting stored events after the fact. An event whose key had not arrived is stored with its ciphertext and
 * the error; the event store puts its megolm session into the `session_request` queue. When a key arrives
 * by any path — a to-device room key, a forwarded key, the key backup, an import — `retry(sessionIds)` decrypts the
 * stored events of those sessions, updates them in place (cleartext, type, local content; the search index follows
 * by trigger), re-evaluates them with the push rules, recounts the room's unread counters, and reports them to the
 * frontends as gomuks' `events_decrypted` (plus a `sync_complete` carrying the room row when its counters moved).
 * As a sync does for a new event, `events_decrypted` also carries the stored events a decrypted one changed or
 * quotes: a reaction's target (its counts, migration 18's trigger), an edit's target (its latest edit, refreshed
 * here: an encrypted edit of a message sent before the room was encrypted matches its type only once decrypted),
 * a reply's quoted message. Without them a frontend shows the new count or text only when the target next changes.
 *
 * The decryption is asynchronous and the write is one synchronous transaction that only touches rows still marked
 * failed, so a sync or another retry in between cannot make an event be decrypted twice into different results.
 */
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Event, EventsDecrypted, JSONObject, Room, SyncComplete, SyncRoom } from '../../../shared/rpc/index.ts';
import type { ClientEvent } from '../matrix/types.ts';
import { notificationFor, PushEvaluator } from '../push/push-evaluator.ts';
import type { Store } from '../store/store.ts';
import { localContent, replyTarget } from '../sync/ingest-event.ts';
import { refreshPreview } from '../sync/room-meta.ts';
import type { Decryption } from '../sync/prepared.ts';
import { decryptEvent } from './sync-crypto.ts';

/** One missing megolm session waiting for its key. */
export interface SessionRequest {
  session_id: string;
  room_id: string;
  /** The sender of the first event seen with it. */
  sender: string;
  /** When other sources (key backup, other devices) were last asked for it (ms); 0: not yet. */
  requested_at: number;
}

export interface DecryptionRetryOptions {
  machine: OlmMachine;
  /** The database (replaced on a reset, so read at each use). */
  store: () => Store;
  userId: string;
  onEventsDecrypted: (d: EventsDecrypted) => void;
  /** Rooms whose row (unread counters) changed, with the notifications the decrypted events ask for. */
  onRoomsChanged: (diff: SyncComplete) => void;
}

interface FailedRow {
  rowid: number;
  room_id: string;
  event_id: string;
  sender: string;
  type: string;
  timestamp: number;
  content: string;
  unsigned: string | null;
  local_content: string | null;
  relates_to: string | null;
  relation_type: string | null;
  decryption_error: string;
  unread_type: number;
}

// The expression and WHERE clause are those of the partial index event_failed_session_idx, so SQLite uses it.
const FAILED_OF_SESSION = `SELECT rowid, room_id, event_id, sender, type, timestamp, content, unsigned, local_content,
    relates_to, relation_type, decryption_error, unread_type
  FROM event WHERE content ->> '$.session_id' = ? AND decryption_error IS NOT NULL`;

export class DecryptionRetry {
  private readonly opts: DecryptionRetryOptions;
  /** Retries run one after another: two retries of one session must not race on the same rows. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(opts: DecryptionRetryOptions) {
    this.opts = opts;
  }

  /** The missing sessions waiting for their key, oldest first. */
  queued(onlyUnrequested = false): SessionRequest[] {
    const db = this.opts.store().db;
    const sql = `SELECT session_id, room_id, sender, requested_at FROM session_request
      ${onlyUnrequested ? 'WHERE requested_at = 0' : ''} ORDER BY created_at`;
    return db.prepare<[], SessionRequest>(sql).all();
  }

  /** Notes that other sources were asked for these sessions' keys. */
  markRequested(sessionIds: readonly string[], at = Date.now()): void {
    const db = this.opts.store().db;
    const stmt = db.prepare<[number, string]>('UPDATE session_request SET requested_at = ? WHERE session_id = ?');
    this.opts.store().transaction(() => { for (const id of sessionIds) stmt.run(at, id); });
  }

  /** Decrypts the stored events of these sessions that can now be decrypted; resolves to how many were. */
  retry(sessionIds: Iterable<string>): Promise<number> {
    const ids = [...new Set(sessionIds)];
    const run = this.chain.then(() => this.run(ids));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Retries every queued session (after the engine's store opened: keys may have arrived before a crash). */
  retryAll(): Promise<number> {
    return this.retry(this.queued().map((q) => q.session_id));
  }

  private async run(sessionIds: string[]): Promise<number> {
    if (sessionIds.length === 0) return 0;
    const store = this.opts.store();
    const failed = store.db.prepare<[string], FailedRow>(FAILED_OF_SESSION);
    const rows = sessionIds.flatMap((id) => failed.all(id));
    const results: { row: FailedRow; d: Decryption }[] = [];
    for (const row of rows) {
      const d = await decryptEvent(this.opts.machine, row.room_id, toClientEvent(row));
      results.push({ row, d });
    }
    // The database may have been reset (sign-out) while decrypting: then there is nothing to write to.
    if (this.opts.store() !== store || !store.db.open) return 0;
    const written = store.transaction(() => this.write(store, sessionIds, results));
    for (const d of written.decrypted) this.opts.onEventsDecrypted(d);
    if (written.rooms) this.opts.onRoomsChanged({ rooms: written.rooms });
    return written.count;
  }

  private write(store: Store, sessionIds: string[], results: { row: FailedRow; d: Decryption }[]) {
    const db = store.db;
    const apply = db.prepare<[string, string, string | null, number]>(`UPDATE event SET decrypted = ?, decrypted_type = ?,
        decryption_error = NULL, local_content = ? WHERE rowid = ? AND decryption_error IS NOT NULL`);
    const setError = db.prepare<[string, number]>('UPDATE event SET decryption_error = ? WHERE rowid = ? AND decryption_error IS NOT NULL');
    const dequeue = db.prepare<[string, string]>(`DELETE FROM session_request WHERE session_id = ? AND NOT EXISTS (
        SELECT 1 FROM event WHERE content ->> '$.session_id' = ? AND decryption_error IS NOT NULL)`);
    const push = PushEvaluator.for(store, this.opts.userId);

    const byRoom = new Map<string, { rowids: number[]; notify: number[]; targets: number[] }>();
    const roomOf = (roomId: string) => {
      const room = byRoom.get(roomId) ?? { rowids: [], notify: [], targets: [] };
      byRoom.set(roomId, room);
      return room;
    };
    let count = 0;
    for (const { row, d } of results) {
      if (d.decrypted && d.decrypted_type) {
        const prevLocal = row.local_content ? JSON.parse(row.local_content) as JSONObject : {};
        const local = localContent(d.decrypted_type, d.decrypted, row.relation_type ?? undefined);
        const merged = local ? { ...prevLocal, ...local } : prevLocal;
        if (apply.run(JSON.stringify(d.decrypted), d.decrypted_type, Object.keys(merged).length ? JSON.stringify(merged) : null, row.rowid).changes === 0) continue;
        count++;
        const room = roomOf(row.room_id);
        room.rowids.push(row.rowid);
        const target = this.changedTarget(store, row, d.decrypted);
        if (target !== undefined) room.targets.push(target);
        // The push rules see the cleartext now: a mention or keyword in it may highlight or notify.
        const t = push.unreadType(row.room_id, { type: d.decrypted_type, content: d.decrypted, sender: row.sender, event_id: row.event_id });
        if (t !== row.unread_type) store.unread.setUnreadType(row.rowid, t);
        if (notificationFor({ rowid: row.rowid, unread_type: t })) room.notify.push(row.rowid);
      } else if (d.error && d.error !== row.decryption_error) {
        // Still failing, for a reason that may have changed (say, the sender withheld the key after all).
        setError.run(d.error, row.rowid);
        roomOf(row.room_id).rowids.push(row.rowid);
      }
    }
    for (const id of sessionIds) dequeue.run(id, id);

    const decrypted: EventsDecrypted[] = [];
    let rooms: Record<string, SyncRoom> | undefined;
    for (const [roomId, { rowids, notify, targets }] of byRoom) {
      const events: Event[] = store.events.getMany(rowids);
      const before = store.rooms.get(roomId);
      // Read after every row of the batch is written: a target's counts include all of its reactions decrypted now.
      const related = store.events.getMany(new Set(targets.filter((t) => !rowids.includes(t))))
        .filter((e) => e.room_id === roomId);
      const out: EventsDecrypted = { room_id: roomId, events: related.length ? [...events, ...related] : events };
      const meta: Room | undefined = before && { ...before };
      // The preview decrypted into something that says nothing in the room list (a call's candidates, say): the
      // event before it that does previews the room, and the row carries it.
      const previewMoved = !!meta && rowids.includes(meta.preview_event_rowid) && refreshPreview(store, meta);
      if (before?.preview_event_rowid && rowids.includes(before.preview_event_rowid) && !previewMoved) out.preview_event_rowid = before.preview_event_rowid;
      decrypted.push(out);
      if (!before || !meta) continue;
      const counts = store.unread.count(roomId, this.opts.userId);
      if (!previewMoved && counts.unread_messages === before.unread_messages
        && counts.unread_notifications === before.unread_notifications && counts.unread_highlights === before.unread_highlights) continue;
      Object.assign(meta, counts);
      store.rooms.save(meta);
      const entry: SyncRoom = { meta };
      // Only when the room now has more to notify about than before, and only events that ask for it.
      if (counts.unread_notifications > before.unread_notifications && notify.length) {
        const notifying = events.filter((e) => notify.includes(e.rowid));
        entry.notifications = notifying.map((e) => notificationFor(e)).filter((n) => n !== undefined);
        entry.events = notifying;
      }
      // The new preview event, which the frontend may not hold (it had only the old one after a reload).
      if (previewMoved && meta.preview_event_rowid && !entry.events?.some((e) => e.rowid === meta.preview_event_rowid)) {
        const preview = store.events.get(meta.preview_event_rowid);
        if (preview) entry.events = [...(entry.events ?? []), preview];
      }
      (rooms ??= {})[roomId] = entry;
    }
    return { count, decrypted, rooms };
  }

  /**
   * The stored event that `row`, just decrypted, changed or quotes, if any (its rowid). An edit's target gets its
   * latest edit again; a reaction's was recounted by migration 18's trigger as the row was written.
   */
  private changedTarget(store: Store, row: FailedRow, cleartext: JSONObject): number | undefined {
    const rel = row.relation_type;
    const targetId = (rel === 'm.replace' || rel === 'm.annotation') && row.relates_to ? row.relates_to : replyTarget(cleartext);
    if (targetId === undefined || targetId === row.event_id) return undefined;
    const target = store.events.rowidByEventID(targetId);
    // Only edits of the same room count (refreshRelations matches by room), so another room's event is left as is.
    if (target !== undefined && rel === 'm.replace') store.events.refreshRelations([target]);
    return target;
  }
}

/** The stored row back in the client-server format the engine decrypts. */
function toClientEvent(row: FailedRow): ClientEvent {
  const ev: ClientEvent = {
    event_id: row.event_id, sender: row.sender, type: row.type, origin_server_ts: row.timestamp,
    content: JSON.parse(row.content) as JSONObject,
  };
  if (row.unsigned) ev.unsigned = JSON.parse(row.unsigned) as JSONObject;
  return ev;
}
