/**
 * The persisted outbox: which local echoes still have to reach the homeserver, in the order they were written.
 * The message itself is the echo's event row (type and content); a row here only says "send this one, with this
 * transaction ID", and whether the server rejected it for good. Deleting the event deletes its row here too.
 */
import type { DB } from './database.ts';

export interface OutboxEntry {
  seq: number;
  room_id: string;
  event_rowid: number;
  transaction_id: string;
  /** The server's reason once it refused the event for good; null while it waits or is being sent. */
  failed_error: string | null;
  created_at: number;
  /** Sent in the clear even in an encrypted room (the sender asked for that). */
  unencrypted: boolean;
  /** The origin_server_ts asked for with /timestamp (null: the server's clock). */
  ts: number | null;
  /** Links whose previews it waits for before it is sent, and until when (epoch ms); null once it stopped waiting. */
  preview_urls: string[] | null;
  preview_until: number | null;
}

interface OutboxRow extends Omit<OutboxEntry, 'unencrypted' | 'preview_urls'> {
  unencrypted: number;
  preview_urls: string | null;
}

function toEntry(r: OutboxRow | undefined): OutboxEntry | undefined {
  return r && { ...r, unencrypted: r.unencrypted === 1, preview_urls: r.preview_urls === null ? null : JSON.parse(r.preview_urls) as string[] };
}

export class OutboxStore {
  private readonly stmts;

  constructor(db: DB) {
    const cols = 'seq, room_id, event_rowid, transaction_id, failed_error, created_at, unencrypted, ts, preview_urls, preview_until';
    this.stmts = {
      add: db.prepare(`INSERT INTO outbox (room_id, event_rowid, transaction_id, created_at, unencrypted, ts, preview_urls, preview_until)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      stopWaiting: db.prepare('UPDATE outbox SET preview_urls = NULL, preview_until = NULL WHERE transaction_id = ?'),
      head: db.prepare(`SELECT ${cols} FROM outbox WHERE room_id = ? ORDER BY seq LIMIT 1`),
      byTxn: db.prepare(`SELECT ${cols} FROM outbox WHERE transaction_id = ?`),
      remove: db.prepare('DELETE FROM outbox WHERE transaction_id = ?'),
      setFailed: db.prepare('UPDATE outbox SET failed_error = ? WHERE transaction_id = ?'),
      rooms: db.prepare('SELECT DISTINCT room_id FROM outbox').pluck(),
      rowidsByRoom: db.prepare<[], { room_id: string; event_rowid: number }>('SELECT room_id, event_rowid FROM outbox ORDER BY seq'),
      all: db.prepare(`SELECT ${cols} FROM outbox ORDER BY seq`),
      // Discarding a failed message removes its local echo; the outbox row goes with it (ON DELETE CASCADE).
      deleteEvent: db.prepare('DELETE FROM event WHERE rowid = ?'),
    };
  }

  add(roomId: string, eventRowid: number, txnId: string, unencrypted = false, now = Date.now(), ts: number | null = null,
    previews: { urls: readonly string[]; until: number } | null = null): void {
    this.stmts.add.run(roomId, eventRowid, txnId, now, unencrypted ? 1 : 0, ts,
      previews ? JSON.stringify(previews.urls) : null, previews?.until ?? null);
  }

  /** The entry no longer waits for link previews (it got them, or its time was up): it may be sent. */
  stopWaitingForPreviews(txnId: string): void {
    this.stmts.stopWaiting.run(txnId);
  }

  /** The room's oldest unsent event: the only one that may be sent now. */
  head(roomId: string): OutboxEntry | undefined {
    return toEntry(this.stmts.head.get(roomId) as OutboxRow | undefined);
  }

  get(txnId: string): OutboxEntry | undefined {
    return toEntry(this.stmts.byTxn.get(txnId) as OutboxRow | undefined);
  }

  /** The homeserver has the event: it leaves the outbox. */
  remove(txnId: string): void {
    this.stmts.remove.run(txnId);
  }

  /** Marks the event refused for good (its room's queue stops behind it), or, with null, queued again. */
  setFailed(txnId: string, error: string | null): void {
    this.stmts.setFailed.run(error, txnId);
  }

  /** Rooms that have anything in the outbox. */
  rooms(): string[] {
    return this.stmts.rooms.all() as string[];
  }

  /** Each room's unsent events' (waiting or failed) rowids, oldest first: one statement for a whole room list. */
  eventRowidsByRoom(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of this.stmts.rowidsByRoom.all()) {
      const list = out.get(r.room_id);
      if (list) list.push(r.event_rowid);
      else out.set(r.room_id, [r.event_rowid]);
    }
    return out;
  }

  all(): OutboxEntry[] {
    return (this.stmts.all.all() as OutboxRow[]).map((r) => toEntry(r)!);
  }

  /** Deletes the entry's local echo, and so the entry. */
  discard(entry: OutboxEntry): void {
    this.stmts.deleteEvent.run(entry.event_rowid);
  }
}
