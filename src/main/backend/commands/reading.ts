/**
 * Handlers of the reading area: single events (database first, then the homeserver), related events, a message's
 * edit history (reading/edit-history.ts), context around an event, the event nearest a time (reading/event-at-time.ts),
 * manual pagination (threads), a room's list of threads, chosen state (and state of chosen types across joined rooms),
 * receipts and mentions.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { readingCommands } from '../../../shared/rpc/commands.ts';
import type { ManualPaginationResponse } from '../../../shared/rpc/commands/reading.ts';
import type { Event } from '../../../shared/rpc/index.ts';
import { decryptFetched } from '../crypto/decrypt-fetched.ts';
import { MatrixError } from '../matrix/errors.ts';
import type { ClientEvent } from '../matrix/types.ts';
import { editHistory } from '../reading/edit-history.ts';
import { eventAtTime } from '../reading/event-at-time.ts';
import { mentions, receiptsFor, relatedEvents } from '../reading/read-queries.ts';
import { storeServerEventsWithEdits } from '../reading/server-events.ts';
import { listOf } from '../matrix/json-shapes.ts';
import type { PreparedSync } from '../sync/prepared.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

const DEFAULT_PAGE = 50;
/** Threads per page when the caller does not say: a panel's worth, as Element asks for. */
const THREADS_PAGE = 20;

export function readingHandlers(ctx: CommandContext): AreaHandlers<typeof readingCommands> {
  /** The stored event, if it is in this room (an event ID names one event across rooms; a mismatch is a bad request). */
  function storedEvent(roomId: string, eventId: string): Event | undefined {
    const ev = ctx.store.events.getByEventID(eventId);
    if (ev && ev.room_id !== roomId) throw new Error(`Event ${eventId} is not in room ${roomId}.`);
    return ev;
  }

  /**
   * Stores events fetched from the server. A message whose latest edit is now one the server bundled with it goes
   * out with that edit in a diff of their own, as the sync would have sent them, so every view shows its text.
   */
  function storeFetched(roomId: string, raw: readonly ClientEvent[], decrypted: PreparedSync | undefined): Event[] {
    const { events, edited } = storeServerEventsWithEdits(ctx.store, roomId, raw, decrypted);
    if (edited.length > 0) ctx.broadcast('sync_complete', { rooms: { [roomId]: { events: edited } } });
    return events;
  }

  async function fetchEvent(roomId: string, eventId: string, signal: AbortSignal): Promise<Event> {
    let raw;
    try {
      raw = await ctx.requireSession().client.events.event(roomId, eventId, { signal });
    } catch (e) {
      throw new Error(`Could not get event ${eventId} from the homeserver: ${serverProblem(e)}`);
    }
    const [ev] = storeFetched(roomId, [raw], await decryptFetched(ctx.session?.crypto, roomId, [raw]));
    if (!ev) throw new Error(`The homeserver sent something for ${eventId} that is not an event.`);
    return ev;
  }

  /**
   * A stored event with the server's bundled relations as they are now (a thread's count and latest reply after a
   * deletion): for the frontend only. The stored copy keeps those it came with, which the frontend reads as a count
   * from that time (renderer/api/threads.ts).
   */
  async function freshEvent(roomId: string, eventId: string, signal: AbortSignal): Promise<Event> {
    const stored = storedEvent(roomId, eventId);
    if (!stored) return fetchEvent(roomId, eventId, signal);
    let raw;
    try {
      raw = await ctx.requireSession().client.events.event(roomId, eventId, { signal });
    } catch (e) {
      throw new Error(`Could not get event ${eventId} from the homeserver: ${serverProblem(e)}`);
    }
    return withServerRelations(stored, raw);
  }

  /**
   * A page of the room's threads: the roots with their relations as the server now counts them (a stored root keeps
   * the ones it came with), and the latest replies the server bundled, stored and decrypted like the roots.
   */
  async function threads(roomId: string, include: 'all' | 'participated', from: string | undefined, limit: number | undefined,
    signal: AbortSignal): Promise<ManualPaginationResponse> {
    let resp;
    try {
      resp = await ctx.requireSession().client.events.threads(roomId, { include, from, limit: limit ?? THREADS_PAGE }, signal);
    } catch (e) {
      if (e instanceof MatrixError && e.errcode === 'M_UNRECOGNIZED') {
        throw new Error('This homeserver does not offer a list of threads (it needs Matrix 1.4 or newer).');
      }
      throw new Error(`Could not get the threads of this room from the homeserver: ${serverProblem(e)}`);
    }
    const roots = listOf(resp.chunk);
    const latest = roots.map(latestReplyOf).filter((e) => e !== undefined);
    const decrypted = await decryptFetched(ctx.session?.crypto, roomId, [...roots, ...latest]);
    signal.throwIfAborted();
    const raw = new Map(roots.map((r) => [r.event_id, r]));
    const events = storeFetched(roomId, roots, decrypted).map((ev) => {
      const r = raw.get(ev.event_id);
      return r ? withServerRelations(ev, r) : ev;
    });
    const related = storeFetched(roomId, latest, decrypted);
    return {
      events,
      ...(related.length > 0 ? { related_events: related } : {}),
      ...(resp.next_batch ? { next_batch: resp.next_batch } : {}),
    };
  }

  /**
   * The message's edits, the server's merged in. A fetched edit newer than the stored ones becomes the message's
   * latest (the store's last_edit_rowid): the message and that edit go out in a diff of their own, as the sync
   * would have sent them, so the timeline shows the text the history ends with.
   */
  async function editsOf(roomId: string, eventId: string, signal: AbortSignal) {
    const original = storedEvent(roomId, eventId) ?? await fetchEvent(roomId, eventId, signal);
    const session = ctx.requireSession();
    const resp = await editHistory({ store: ctx.store, client: session.client, crypto: session.crypto }, original, signal);
    const now = ctx.store.events.get(original.rowid);
    if (now && now.last_edit_rowid !== original.last_edit_rowid) {
      const edit = now.last_edit_rowid ? ctx.store.events.get(now.last_edit_rowid) : undefined;
      ctx.broadcast('sync_complete', { rooms: { [roomId]: { events: edit ? [now, edit] : [now] } } });
    }
    return resp;
  }

  /** MSC2815: the original content of a redacted event, for the frontend only (never stored). */
  async function unredactedEvent(roomId: string, eventId: string, signal: AbortSignal): Promise<Event> {
    const stored = storedEvent(roomId, eventId);
    if (stored && !stored.redacted_by) return stored;
    const base = stored ?? await fetchEvent(roomId, eventId, signal);
    if (!base.redacted_by && Object.keys(base.content).length > 0) return base;
    let raw;
    try {
      raw = await ctx.requireSession().client.events.event(roomId, eventId, { unredacted: true, signal });
    } catch (e) {
      if (e instanceof MatrixError && e.status === 403) {
        throw new Error('The homeserver refused to show the deleted content: only room moderators (or server admins) may see it.');
      }
      throw new Error(`Could not get the deleted content of ${eventId}: ${serverProblem(e)}`);
    }
    const content = raw.content;
    if (typeof content !== 'object' || content === null || Object.keys(content).length === 0) {
      throw new Error('The homeserver did not return the deleted content: it does not offer redacted content '
        + '(MSC2815), or no longer keeps it.');
    }
    return { ...base, content };
  }

  return {
    get_event: ({ room_id: roomId, event_id: eventId, unredact, fresh }, signal) => {
      if (unredact) return unredactedEvent(roomId, eventId, signal);
      if (fresh) return freshEvent(roomId, eventId, signal);
      const stored = storedEvent(roomId, eventId);
      return stored ?? fetchEvent(roomId, eventId, signal);
    },
    get_event_by_rowid: ({ event_rowid: rowid }) => {
      const ev = ctx.store.events.get(rowid);
      if (!ev) throw new Error(`No event with rowid ${rowid} is stored.`);
      return ev;
    },
    get_related_events: ({ room_id: roomId, event_id: eventId, relation_type: relationType, event_type: eventType }) =>
      relatedEvents(ctx.store.db, roomId, eventId, relationType, eventType),
    get_edit_history: ({ room_id: roomId, event_id: eventId }, signal) => editsOf(roomId, eventId, signal),
    get_event_context: async ({ room_id: roomId, event_id: eventId, limit }, signal) => {
      let resp;
      try {
        resp = await ctx.requireSession().client.events.context(roomId, eventId, limit, signal);
      } catch (e) {
        throw new Error(`Could not get the messages around ${eventId}: ${serverProblem(e)}`);
      }
      signal.throwIfAborted();
      const decrypted = await decryptFetched(ctx.session?.crypto, roomId,
        [...listOf(resp.events_before), ...listOf(resp.events_after), resp.event]);
      signal.throwIfAborted();
      return {
        start: typeof resp.start === 'string' ? resp.start : '',
        end: typeof resp.end === 'string' ? resp.end : '',
        before: storeFetched(roomId, listOf(resp.events_before), decrypted),
        after: storeFetched(roomId, listOf(resp.events_after), decrypted),
        event: resp.event ? storeFetched(roomId, [resp.event], decrypted)[0] ?? null : null,
      };
    },
    timestamp_to_event: ({ room_id: roomId, timestamp, direction }, signal) => {
      const { client } = ctx.requireSession();
      ctx.requireRoom(roomId);
      return eventAtTime({ store: ctx.store, client }, roomId, timestamp, direction ?? 'f', signal);
    },
    paginate_manual: async ({ room_id: roomId, thread_root: threadRoot, since, direction, limit }, signal) => {
      const client = ctx.requireSession().client;
      let chunk;
      let next: string | undefined;
      try {
        if (threadRoot) {
          const resp = await client.events.relations(roomId, threadRoot, 'm.thread',
            { dir: direction, from: since || undefined, limit: limit ?? DEFAULT_PAGE, recurse: true }, signal);
          chunk = listOf(resp.chunk);
          next = typeof resp.next_batch === 'string' ? resp.next_batch : undefined;
        } else {
          const resp = await client.rooms.messages(roomId, { from: since || undefined, dir: direction, limit: limit ?? DEFAULT_PAGE }, signal);
          chunk = listOf(resp.chunk);
          // No `end` means there is nothing more in that direction.
          next = chunk.length > 0 && typeof resp.end === 'string' ? resp.end : undefined;
        }
      } catch (e) {
        throw new Error(`Could not get ${threadRoot ? 'the thread' : 'messages'} from the homeserver: ${serverProblem(e)}`);
      }
      const decrypted = await decryptFetched(ctx.session?.crypto, roomId, chunk);
      signal.throwIfAborted();
      const events = storeFetched(roomId, chunk, decrypted);
      return next ? { events, next_batch: next } : { events };
    },
    get_threads: ({ room_id: roomId, include, from, limit }, signal) => threads(roomId, include ?? 'all', from, limit, signal),
    get_specific_room_state: ({ keys }) => {
      const out: Event[] = [];
      for (const k of keys) {
        const ev = ctx.store.state.get(k.room_id, k.type, k.state_key);
        if (ev) out.push(ev);
      }
      return out;
    },
    get_state_of_types: ({ types, room_ids: roomIds }) =>
      ctx.store.state.ofTypesInJoinedRooms([...new Set(types)], roomIds && [...new Set(roomIds)]),
    get_receipts: ({ room_id: roomId, event_ids: eventIds }) =>
      receiptsFor(ctx.store.db, roomId, eventIds, ctx.requireSession().userId),
    get_mentions: ({ max_timestamp: maxTs, type, limit, room_id: roomId }) =>
      mentions(ctx.store.db, maxTs, type, limit, roomId),
  };
}

/**
 * The stored event with the server's unsigned m.relations in place of those it was stored with. No relations in
 * the answer means none are left (every reply deleted): the stored ones are dropped too.
 */
function withServerRelations(stored: Event, raw: ClientEvent): Event {
  const unsigned = { ...stored.unsigned };
  delete unsigned['m.relations'];
  const relations = raw.unsigned?.['m.relations'];
  if (relations !== undefined) unsigned['m.relations'] = relations;
  return { ...stored, unsigned };
}

/** The latest reply a thread root's bundled m.thread summary carries, if it is an event. */
function latestReplyOf(root: ClientEvent): ClientEvent | undefined {
  const relations = root.unsigned?.['m.relations'];
  if (typeof relations !== 'object' || relations === null || Array.isArray(relations)) return undefined;
  const thread = relations['m.thread'];
  if (typeof thread !== 'object' || thread === null || Array.isArray(thread)) return undefined;
  const latest = thread.latest_event;
  if (typeof latest !== 'object' || latest === null || Array.isArray(latest)) return undefined;
  return typeof latest.event_id === 'string' && typeof latest.type === 'string' ? latest as unknown as ClientEvent : undefined;
}

/** The server's reason in words; for a missing event, say so plainly. */
function serverProblem(e: unknown): string {
  if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return 'the homeserver does not know it, or this account may not see it.';
  if (e instanceof MatrixError && e.errcode === 'M_FORBIDDEN') return `not allowed (${e.message}).`;
  return errorMessage(e);
}
