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
 * words alone, best match first is therefore among the newest RANK_WINDOW matches (by storage order), and newest
 * first sorts the newest RANK_WINDOW matches by time (storage order is nearly time order: only history fetched
 * later is stored out of it). With a filter (room, sender, time) every remaining match is ranked or sorted.
 */
export const RANK_WINDOW = 2000;

/**
 * A prefix (`word*`) stands for every word it starts, and ranking adds up each one's positions per match: a short
 * prefix costs tens of milliseconds per thousand matches. Typed searches end in a prefix, so their ranking window
 * is the newest PREFIX_RANK_WINDOW matches.
 */
export const PREFIX_RANK_WINDOW = 200;

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
  if (fts && filtered) {
    from = 'event_search s JOIN event e ON e.rowid = s.rowid';
    where.push('event_search MATCH @fts');
    params.fts = fts;
  } else if (fts) {
    // The window: the newest matches by storage order, which FTS5 reads from the end of the match list in the
    // same pass that ranks them (a prefix's merged match list is built once, not twice).
    const prefix = fts.split(' ').some((phrase) => phrase.endsWith('"*'));
    params.window = Math.max(ranked && prefix ? PREFIX_RANK_WINDOW : RANK_WINDOW, 2 * (q.offset + q.limit));
    from = `(SELECT rowid, ${ranked ? 'bm25(event_search)' : '0'} AS rank FROM event_search WHERE event_search MATCH @fts
      ORDER BY rowid DESC LIMIT @window) s JOIN event e ON e.rowid = s.rowid`;
    params.fts = fts;
  }
  if (q.rawLike) {
    // As the word index has it, each message once, as it reads now: an edit is no result of its own, and an edited
    // message is matched by its latest edit's new content (the one the timeline shows, last_edit_rowid), not by
    // the words it no longer has. A deleted message keeps only its own pruned content. LIKE's own wildcards in the
    // user's text are matched literally.
    where.push(`(e.relation_type IS NULL OR e.relation_type <> 'm.replace')`);
    where.push(`COALESCE((SELECT COALESCE(edit.decrypted, edit.content) -> '$."m.new_content"' FROM event edit
        WHERE edit.rowid = e.last_edit_rowid AND e.redacted_by IS NULL), COALESCE(e.decrypted, e.content))
      LIKE ('%' || @like || '%') ESCAPE '\\'`);
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
  // Filtered, ORDER BY FTS5's `rank` would make it rank every match before the filter drops most of them;
  // bm25() as an expression is computed only for the rows that remain.
  const rank = !ranked ? '0' : filtered ? 'bm25(event_search)' : 's.rank';
  const order = ranked ? 'rank, ts DESC' : 'ts DESC';
  const sql = `${EVENT_COLUMNS} FROM (SELECT e.rowid AS rowid, ${rank} AS rank, e.timestamp AS ts FROM ${from}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT @limit OFFSET @offset) p
    JOIN event e ON e.rowid = p.rowid LEFT JOIN timeline t ON t.event_rowid = e.rowid
    ORDER BY ${order.replace('rank', 'p.rank').replace('ts', 'p.ts')}`;
  return (prepared(db, sql).all(params) as Parameters<typeof rowToEvent>[0][]).map(rowToEvent);
}
