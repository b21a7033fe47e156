/**
 * Stored HTML sanitized again after the sanitizer changed. HTML is sanitized once, at ingest, and kept as
 * local_content.sanitized_html, so a change to the sanitizer reaches messages already stored only through this pass.
 * A migration queues it (a row of `resanitize_pass`, migration 17: which formatted bodies may now come out
 * differently, and the rowid range of events to look at); after opening the database the backend works through the
 * range a slice at a time, each slice in one transaction with the pass's progress, yielding to sync and commands in
 * between, so a large database does not hold up the start. Only local_content.sanitized_html changes, and only
 * where the output differs. A crash loses at most a slice's work, which the next start does again with the same
 * result (sanitizing is deterministic): the pass may run any number of times.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import { localContent } from '../sync/ingest-event.ts';

/**
 * Event rowids looked at per transaction. A LIKE over 2,000 rows takes about a millisecond; the few that match are
 * sanitized again (a fraction of a millisecond each).
 */
const ROWS_PER_SLICE = 2000;

interface Pass {
  id: number;
  pattern: string;
  next_rowid: number;
  last_rowid: number;
}

interface Candidate {
  rowid: number;
  type: string;
  content: string;
  decrypted: string | null;
  decrypted_type: string | null;
  relation_type: string | null;
  local_content: string;
}

const OLDEST_PASS = 'SELECT id, pattern, next_rowid, last_rowid FROM resanitize_pass ORDER BY id LIMIT 1';
// The LIKE first: it rules out nearly every row before any JSON is parsed.
const CANDIDATES = `SELECT rowid, type, content, decrypted, decrypted_type, relation_type, local_content FROM event
  WHERE rowid BETWEEN @from AND @to AND (content LIKE @pattern OR decrypted LIKE @pattern)
    AND local_content ->> '$.sanitized_html' IS NOT NULL`;

/**
 * Does one slice of the oldest queued pass in one transaction: answers how many events' HTML changed, or undefined
 * when no pass is left.
 */
export function resanitizeSlice(store: Store, rows = ROWS_PER_SLICE): number | undefined {
  const db = store.db;
  return store.transaction(() => {
    const pass = db.prepare<[], Pass>(OLDEST_PASS).get();
    if (!pass) return undefined;
    const to = Math.min(pass.next_rowid + rows - 1, pass.last_rowid);
    const setLocal = db.prepare<[string, number]>('UPDATE event SET local_content = ? WHERE rowid = ?');
    let changed = 0;
    for (const row of db.prepare<[{ from: number; to: number; pattern: string }], Candidate>(CANDIDATES)
      .all({ from: pass.next_rowid, to, pattern: pass.pattern })) {
      const local = JSON.parse(row.local_content) as JSONObject;
      const html = sanitizedNow(row);
      if (html === undefined || html === local.sanitized_html) continue;
      // The other keys (sender_profile, reply_fallback_removed, …) as they were, in their order.
      setLocal.run(JSON.stringify({ ...local, sanitized_html: html }), row.rowid);
      changed++;
    }
    if (to >= pass.last_rowid) db.prepare<[number]>('DELETE FROM resanitize_pass WHERE id = ?').run(pass.id);
    else db.prepare<[number, number]>('UPDATE resanitize_pass SET next_rowid = ? WHERE id = ?').run(to + 1, pass.id);
    return changed;
  });
}

/** What ingest would store as the event's sanitized HTML today (the cleartext of a decrypted event). */
function sanitizedNow(row: Candidate): string | undefined {
  const [type, json] = row.decrypted !== null && row.decrypted_type !== null
    ? [row.decrypted_type, row.decrypted] : [row.type, row.content];
  return localContent(type, JSON.parse(json) as JSONObject, row.relation_type ?? undefined)?.sanitized_html;
}

/**
 * Works through every queued pass, a slice per turn of the event loop, until none is left or the database was
 * closed or replaced (sign-out); the next start then goes on where this one stopped. Answers how many events'
 * HTML changed.
 */
export async function resanitizeStored(store: () => Store, logger: Logger, rows = ROWS_PER_SLICE): Promise<number> {
  const s = store();
  let total = 0;
  try {
    for (;;) {
      if (store() !== s || !s.db.open) return total;
      const changed = resanitizeSlice(s, rows);
      if (changed === undefined) break;
      total += changed;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    logger.warn(`could not sanitize stored messages again (tried again at the next start): ${errorMessage(e)}`);
    return total;
  }
  if (total) logger.info(`sanitized the HTML of ${total} stored messages again`);
  return total;
}
