/**
 * search_local: a query over the FTS5 index `event_search` (kept by triggers, see migration 4) joined with the
 * stored events, with gomuks' filters. The user's words never reach FTS5's query syntax as such: each becomes a
 * quoted phrase, so quotes, dashes or `OR` in a search cannot make the query fail or mean something else.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { Statement } from 'better-sqlite3';
import type { DB } from '../store/database.ts';
import { EVENT_COLUMNS, rowToEvent } from '../store/events.ts';

export interface LocalSearch {
  searchTerm: string;
  rawLike?: string;
  roomIds?: string[];
  senders?: string[];
  minTimestamp?: number;
  maxTimestamp?: number;
  includeRedacted?: boolean;
  sortByTime?: boolean;
  limit: number;
  offset: number;
}

/**
 * Words → an FTS5 query: every word must occur; a word ending in `*` may be the start of a longer one. (Not every
 * last word as a prefix: a prefix query reads every matching term's list, several times slower on a big index.)
 */
export function toFtsQuery(term: string): string {
  const words = term.split(/\s+/).filter((w) => w !== '' && w !== '*');
  return words.map((w) => {
    const prefix = w.length > 1 && w.endsWith('*');
    const word = prefix ? w.slice(0, -1) : w;
    return `"${word.replaceAll('"', '""')}"${prefix ? '*' : ''}`;
  }).join(' ');
}

/**
 * Ranking reads every match's positions, so a very common word would cost milliseconds per thousand matches. For
 * words alone, best match first is therefore among the newest RANK_WINDOW matches (by storage order); with a
 * filter (room, sender, time) every remaining match is ranked, and sort_by_time sees them all too.
 */
export const RANK_WINDOW = 2000;

/** One prepared statement per combination of filters, per database. */
const statements = new WeakMap<DB, Map<string, Statement<unknown[]>>>();

function prepared(db: DB, sql: string): Statement<unknown[]> {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, Statement<unknown[]>>()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

export function searchLocal(db: DB, q: LocalSearch): Event[] {
  const fts = toFtsQuery(q.searchTerm);
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: q.limit, offset: q.offset };
  let from = 'event e';
  const ranked = !!fts && !q.sortByTime;
  const filtered = !!q.rawLike || !!q.roomIds?.length || !!q.senders?.length || q.minTimestamp !== undefined
    || q.maxTimestamp !== undefined;
  if (fts) {
    from = 'event_search s JOIN event e ON e.rowid = s.rowid';
    where.push('event_search MATCH @fts');
    params.fts = fts;
    if (ranked && !filtered) {
      // The storage-order cutoff of the ranking window: FTS5 finds it by reading the match list from its end.
      const window = Math.max(RANK_WINDOW, 2 * (q.offset + q.limit));
      const cutoff = prepared(db, `SELECT rowid FROM event_search WHERE event_search MATCH ? ORDER BY rowid DESC
        LIMIT 1 OFFSET ?`).pluck().get(fts, window - 1) as number | undefined;
      if (cutoff !== undefined) { where.push('s.rowid >= @cutoff'); params.cutoff = cutoff; }
    }
  }
  if (q.rawLike) {
    // LIKE's own wildcards in the user's text are matched literally.
    where.push(`COALESCE(e.decrypted, e.content) LIKE ('%' || @like || '%') ESCAPE '\\'`);
    params.like = q.rawLike.replace(/[\\%_]/g, (c) => `\\${c}`);
  }
  if (q.roomIds?.length) {
    where.push('e.room_id IN (SELECT value FROM json_each(@rooms))');
    params.rooms = JSON.stringify(q.roomIds);
  }
  if (q.senders?.length) {
    where.push('e.sender IN (SELECT value FROM json_each(@senders))');
    params.senders = JSON.stringify(q.senders);
  }
  if (q.minTimestamp !== undefined) { where.push('e.timestamp >= @min_ts'); params.min_ts = q.minTimestamp; }
  if (q.maxTimestamp !== undefined) { where.push('e.timestamp <= @max_ts'); params.max_ts = q.maxTimestamp; }
  // Redacted messages are not in the word index; only the raw search sees them.
  if (!q.includeRedacted && !fts) where.push('e.redacted_by IS NULL');
  if (!fts) where.push(`e.type <> 'm.room.redaction'`);
  // First the page's rowids (sorting only rowid, rank and timestamp), then its events: sorting whole rows of every
  // match would carry their content through the sort.
  const rank = ranked ? 's.rank' : '0';
  const order = ranked ? 'rank, ts DESC' : 'ts DESC';
  const sql = `${EVENT_COLUMNS} FROM (SELECT e.rowid AS rowid, ${rank} AS rank, e.timestamp AS ts FROM ${from}
      WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT @limit OFFSET @offset) p
    JOIN event e ON e.rowid = p.rowid LEFT JOIN timeline t ON t.event_rowid = e.rowid
    ORDER BY ${order.replace('rank', 'p.rank').replace('ts', 'p.ts')}`;
  return (prepared(db, sql).all(params) as Parameters<typeof rowToEvent>[0][]).map(rowToEvent);
}
