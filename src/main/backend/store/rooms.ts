/** Room-list rows, and the per-room bookkeeping that belongs with them (pagination token). */
import type { JSONObject, LazyLoadSummary, NameQuality, Room } from '../../../shared/rpc/index.ts';
import type Database from 'better-sqlite3';
import type { DB } from './database.ts';
import { ROOM_NID, type RoomKeys } from './room-keys.ts';

interface RoomRow {
  room_id: string;
  creation_content: string | null;
  tombstone: string | null;
  name: string | null;
  name_quality: number;
  avatar: string | null;
  explicit_avatar: number;
  dm_user_id: string | null;
  topic: string | null;
  canonical_alias: string | null;
  lazy_load_summary: string | null;
  encryption_event: string | null;
  has_member_list: number;
  preview_event_rowid: number;
  sorting_timestamp: number;
  unread_highlights: number;
  unread_notifications: number;
  unread_messages: number;
  marked_unread: number;
  prev_batch: string | null;
}

function rowToRoom(r: RoomRow): Room {
  const room: Room = {
    room_id: r.room_id,
    name_quality: r.name_quality as NameQuality,
    explicit_avatar: !!r.explicit_avatar,
    has_member_list: !!r.has_member_list,
    preview_event_rowid: r.preview_event_rowid,
    sorting_timestamp: r.sorting_timestamp,
    unread_highlights: r.unread_highlights,
    unread_notifications: r.unread_notifications,
    unread_messages: r.unread_messages,
    prev_batch: r.prev_batch ?? '',
  };
  if (r.creation_content !== null) room.creation_content = JSON.parse(r.creation_content) as JSONObject;
  if (r.tombstone !== null) room.tombstone = JSON.parse(r.tombstone) as JSONObject;
  if (r.name !== null) room.name = r.name;
  if (r.avatar !== null) room.avatar = r.avatar;
  if (r.dm_user_id !== null) room.dm_user_id = r.dm_user_id;
  if (r.topic !== null) room.topic = r.topic;
  if (r.canonical_alias !== null) room.canonical_alias = r.canonical_alias;
  if (r.lazy_load_summary !== null) room.lazy_load_summary = JSON.parse(r.lazy_load_summary) as LazyLoadSummary;
  if (r.encryption_event !== null) room.encryption_event = JSON.parse(r.encryption_event) as JSONObject;
  if (r.marked_unread) room.marked_unread = true;
  return room;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

type Column = Exclude<keyof RoomRow, 'room_id' | 'prev_batch'>;
type Value = string | number | null;
/** Every column save() compares, in the order toColumns writes them. */
const COLUMN_ORDER = ['creation_content', 'tombstone', 'name', 'name_quality', 'avatar', 'explicit_avatar',
  'dm_user_id', 'topic', 'canonical_alias', 'lazy_load_summary', 'encryption_event', 'has_member_list',
  'preview_event_rowid', 'sorting_timestamp', 'unread_highlights', 'unread_notifications', 'unread_messages',
  'marked_unread'] as const;
/** The compiler checks that COLUMN_ORDER lists every column (a missing one makes this type `never`). */
type AllColumns = [Exclude<Column, (typeof COLUMN_ORDER)[number]>] extends [never] ? readonly Column[] : never;
const COLUMNS: readonly Column[] = COLUMN_ORDER satisfies AllColumns;
/**
 * A row's column values in COLUMNS' order: an array, so save() compares them by index (18 columns for every room a
 * sync touches) rather than looking each up by name.
 */
type ColumnValues = Value[];
/** Where toColumns puts the columns serialized from objects (reused from the cached row when the object is). */
const CREATION = COLUMNS.indexOf('creation_content');
const TOMBSTONE = COLUMNS.indexOf('tombstone');
const SUMMARY = COLUMNS.indexOf('lazy_load_summary');
const ENCRYPTION = COLUMNS.indexOf('encryption_event');
/**
 * The columns a sync changes in every room it touches (its preview, sorting time and counts), kept in the narrow
 * room_activity table by the room's number (migration 22), as bits of COLUMNS' order.
 */
const ACTIVITY_MASK = COLUMNS.reduce((mask, c, i) => (c === 'preview_event_rowid' || c === 'sorting_timestamp'
  || c === 'unread_highlights' || c === 'unread_notifications' || c === 'unread_messages' ? mask | (1 << i) : mask), 0);
/** A room's row with its activity row, under the room table's column names. */
const SELECT_ROOM = `SELECT r.*, a.preview_event_rowid, a.sorting_timestamp, a.unread_highlights, a.unread_notifications,
    a.unread_messages
  FROM room r JOIN room_key k ON k.room_id = r.room_id JOIN room_activity a ON a.room_nid = k.nid`;
/** A cached row: the Room, and its column values once a save has needed them. */
interface CachedRoom { room: Room; cols?: ColumnValues }

/**
 * A Room as the values of its columns (all but the key and prev_batch, which is not part of a Room), in
 * COLUMN_ORDER. Objects that are the very ones of `same` (the cached row; rooms are updated as shallow copies) are
 * not serialized again.
 */
function toColumns(room: Room, same?: { room: Room; cols: ColumnValues }): ColumnValues {
  return [
    same && same.room.creation_content === room.creation_content ? same.cols[CREATION] : json(room.creation_content),
    same && same.room.tombstone === room.tombstone ? same.cols[TOMBSTONE] : json(room.tombstone),
    room.name ?? null,
    room.name_quality,
    room.avatar ?? null,
    room.explicit_avatar ? 1 : 0,
    room.dm_user_id ?? null,
    room.topic ?? null,
    room.canonical_alias ?? null,
    same && same.room.lazy_load_summary === room.lazy_load_summary ? same.cols[SUMMARY] : json(room.lazy_load_summary),
    same && same.room.encryption_event === room.encryption_event ? same.cols[ENCRYPTION] : json(room.encryption_event),
    room.has_member_list ? 1 : 0,
    room.preview_event_rowid,
    room.sorting_timestamp,
    room.unread_highlights,
    room.unread_notifications,
    room.unread_messages,
    room.marked_unread ? 1 : 0,
  ];
}

export class RoomStore {
  private readonly db: DB;
  private readonly keys: RoomKeys;
  /** Prepared on first use (see stmts). */
  private prepared: ReturnType<RoomStore['prepare']> | undefined;
  /**
   * Every room row as last read or written. All writes to the table go through this class, and a rolled-back
   * transaction clears it (Store.transaction), so it always matches the database; a sync then neither reads
   * the row of each room it touches nor rewrites its unchanged columns.
   */
  private readonly cache = new Map<string, CachedRoom>();
  /**
   * UPDATE statements for one set of changed columns, prepared the first time that set occurs: of the room row, or
   * of the activity row (a set of ACTIVITY_MASK's bits; the two kinds of set never share a bit, so neither a key).
   */
  private readonly updates = new Map<number, Database.Statement<Value[]>>();

  constructor(db: DB, keys: RoomKeys) {
    this.db = db;
    this.keys = keys;
  }

  /**
   * The statements, prepared the first time one is needed: a Store may be opened on a database of an older schema
   * (a migration's test stores its rows through one), which lacks room_activity until the migrations have run.
   */
  private get stmts(): ReturnType<RoomStore['prepare']> {
    return this.prepared ??= this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare<[string], RoomRow>(`${SELECT_ROOM} WHERE r.room_id = ?`),
      all: db.prepare<[], RoomRow>(`${SELECT_ROOM} ORDER BY a.sorting_timestamp DESC`),
      ids: db.prepare<[], string>('SELECT room_id FROM room').pluck(),
      ensure: db.prepare<[string]>('INSERT OR IGNORE INTO room (room_id) VALUES (?)'),
      ensureActivity: db.prepare<[number]>('INSERT OR IGNORE INTO room_activity (room_nid) VALUES (?)'),
      prevBatch: db.prepare<[string], string | null>('SELECT prev_batch FROM room WHERE room_id = ?').pluck(),
      setPrevBatch: db.prepare<[string | null, string]>('UPDATE room SET prev_batch = ? WHERE room_id = ?'),
      delete: db.prepare<[string]>('DELETE FROM room WHERE room_id = ?'),
      deleteActivity: db.prepare<[string]>(`DELETE FROM room_activity WHERE room_nid = ${ROOM_NID}`),
    };
  }

  /**
   * A shallow copy: callers may set its fields freely, but replace its objects (summary, creation content, ...)
   * rather than change them in place, since those are shared with the cache.
   */
  get(roomId: string): Room | undefined {
    let cached = this.cache.get(roomId);
    if (!cached) {
      const r = this.stmts.get.get(roomId);
      if (!r) return undefined;
      cached = this.remember(rowToRoom(r));
    }
    return { ...cached.room };
  }

  /** Creates the row (and its activity row) if missing; returns whether it was new. */
  ensure(roomId: string): boolean {
    if (this.cache.has(roomId)) return false;
    const isNew = this.stmts.ensure.run(roomId).changes > 0;
    this.stmts.ensureActivity.run(this.keys.nid(roomId));
    return isNew;
  }

  all(): Room[] {
    return this.stmts.all.all().map((r) => ({ ...this.remember(rowToRoom(r)).room }));
  }

  ids(): string[] {
    return this.stmts.ids.all();
  }

  /**
   * Writes a room's row: only the columns that differ from what the row holds, and nothing at all when none does
   * (most syncs move just a room's preview and counts). Returns whether anything was written.
   */
  save(room: Room): boolean {
    const cached = this.cache.get(room.room_id);
    if (cached) cached.cols ??= toColumns(cached.room);
    const before = cached?.cols;
    const cols = toColumns(room, cached && before && { room: cached.room, cols: before });
    // The changed columns as bits of COLUMNS' order (18 columns): a number to look the statement up by, no string.
    let changed = 0;
    for (let i = 0; i < cols.length; i++) if (!before || before[i] !== cols[i]) changed |= 1 << i;
    if (changed === 0) return false;
    // Each statement that runs must find its row: a room without one is not remembered as saved (and one whose row
    // was written but not its activity, which ensure() rules out, is read again rather than trusted).
    let found = true;
    const rowChanged = changed & ~ACTIVITY_MASK;
    if (rowChanged) found = this.update(rowChanged, 'room', 'room_id', cols, room.room_id) && found;
    const activityChanged = changed & ACTIVITY_MASK;
    if (activityChanged) found = this.update(activityChanged, 'room_activity', 'room_nid', cols, this.keys.nid(room.room_id)) && found;
    if (found) this.cache.set(room.room_id, { room: { ...room }, cols });
    else this.cache.delete(room.room_id);
    return true;
  }

  /** Writes the columns of `mask` to one row of `table`; returns whether the row was there. */
  private update(mask: number, table: 'room' | 'room_activity', key: 'room_id' | 'room_nid', cols: ColumnValues,
    id: string | number): boolean {
    let stmt = this.updates.get(mask);
    if (!stmt) {
      const set = COLUMNS.filter((_, i) => mask & (1 << i)).map((c) => `${c} = ?`).join(', ');
      stmt = this.db.prepare<Value[]>(`UPDATE ${table} SET ${set} WHERE ${key} = ?`);
      this.updates.set(mask, stmt);
    }
    const values: Value[] = [];
    for (let i = 0; i < cols.length; i++) if (mask & (1 << i)) values.push(cols[i]);
    values.push(id);
    return stmt.run(...values).changes > 0;
  }

  /** Forgets what was read: after a rolled-back transaction the rows may differ from what was cached. */
  forgetCached(): void {
    this.cache.clear();
  }

  private remember(room: Room): CachedRoom {
    const cached = { room };
    this.cache.set(room.room_id, cached);
    return cached;
  }

  prevBatch(roomId: string): string | null | undefined {
    return this.stmts.prevBatch.get(roomId);
  }

  setPrevBatch(roomId: string, token: string | null): void {
    this.stmts.setPrevBatch.run(token, roomId);
    const cached = this.cache.get(roomId);
    // Not a column save() compares (see toColumns): the cached row's copy is updated here instead.
    if (cached) cached.room = { ...cached.room, prev_batch: token ?? '' };
  }

  delete(roomId: string): void {
    this.cache.delete(roomId);
    this.stmts.deleteActivity.run(roomId);
    this.stmts.delete.run(roomId);
  }
}
