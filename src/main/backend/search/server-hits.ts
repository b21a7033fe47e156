/**
 * The homeserver's search hits (search_server) as the messages they are, each once, as it reads now. The
 * homeserver indexes an edit as an event of its own ("* new words") and keeps indexing a message's first text after
 * it was edited, while search_local indexes each message once, by its latest edit's text. So here: an edit's hit
 * stands for its message (only its sender's own edit: anyone else's changes nothing, as the spec says), fetched
 * when it is not stored; a message found twice is listed once; and a message we know to be edited stays only if
 * its current text matches the words, as search_local decides it.
 */
import type { Event } from '../../../shared/rpc/index.ts';
import type { DB } from '../store/database.ts';
import type { Store } from '../store/store.ts';
import { toFtsQuery } from './local-search.ts';

/** The stored event, else the homeserver's (then stored); undefined when it cannot be had. */
export type FetchEvent = (roomId: string, eventId: string) => Promise<Event | undefined>;

const statements = new WeakMap<DB, ReturnType<typeof prepare>>();

function prepare(db: DB) {
  return db.prepare<[string, number], number>('SELECT 1 FROM event_search WHERE event_search MATCH ? AND rowid = ?').pluck();
}

export async function messagesOfHits(store: Store, hits: readonly Event[], searchTerm: string, fetchEvent: FetchEvent): Promise<Event[]> {
  const targets = new Map<string, Promise<Event | undefined>>();
  for (const hit of hits) {
    const id = editTarget(hit);
    if (id !== undefined && !targets.has(id)) {
      targets.set(id, Promise.resolve(store.events.getByEventID(id) ?? fetchEvent(hit.room_id, id)).catch(() => undefined));
    }
  }
  const seen = new Set<string>();
  const messages: Event[] = [];
  for (const hit of hits) {
    const id = editTarget(hit);
    const message = id === undefined ? hit : await targets.get(id);
    if (!message || message.room_id !== hit.room_id || message.sender !== hit.sender || message.redacted_by) continue;
    if (seen.has(message.event_id)) continue;
    seen.add(message.event_id);
    messages.push(message);
  }
  const fts = toFtsQuery(searchTerm);
  if (!fts) return messages;
  let matches = statements.get(store.db);
  if (!matches) statements.set(store.db, (matches = prepare(store.db)));
  const stmt = matches;
  return messages.filter((m) => m.last_edit_rowid === undefined || stmt.get(fts, m.rowid) !== undefined);
}

function editTarget(e: Event): string | undefined {
  return e.relation_type === 'm.replace' ? e.relates_to : undefined;
}
