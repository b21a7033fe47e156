/**
 * Commands that read single events and their surroundings: by ID or rowid, relations, context around an event,
 * manual (token) pagination, chosen state events, read receipts and mentions. Names, fields and answers are
 * gomuks' (pkg/hicli/jsoncmd: GetEventParams, GetEventContextParams, PaginateManualParams, …), except a room's
 * list of threads (get_threads), a Lattice extension shaped like paginate_manual, a message's edit history
 * (get_edit_history), another, and the event nearest a time (timestamp_to_event, for jumping to a date), a third.
 */
import { z } from 'zod';
import type { Event, Receipt } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { roomIdField } from './fields.ts';

const eventIdField = z.string().regex(/^\$.+/, 'must be an event ID like $abc');

/** jsoncmd.EventContextResponse: `before` newest first (as the server sends it), `after` oldest first. */
export interface EventContextResponse {
  start: string;
  end: string;
  before: Event[];
  after: Event[];
  event: Event | null;
  related_events?: Event[];
}

/** jsoncmd.ManualPaginationResponse: also the answer of both searches. `next_batch` absent at the end. */
export interface ManualPaginationResponse {
  events: Event[];
  next_batch?: string;
  related_events?: Event[];
}

/** get_edit_history's answer. */
export interface EditHistoryResponse {
  /** The edits that count (the original sender's, of its type, not deleted), oldest first, each as stored. */
  edits: Event[];
  /** Whether the homeserver's list was merged in. */
  from_server: boolean;
  /**
   * Why it was not, in words (the homeserver could not be reached, or refused): `edits` are then only those this
   * device received, and edits it never did (made while it was not syncing) are missing.
   */
  server_problem?: string;
}

/** timestamp_to_event's answer: the spec's fields. */
export interface TimestampToEventResponse {
  event_id: string;
  /** The event's timestamp, which may be on another day than the one asked for (the next event may be weeks on). */
  origin_server_ts: number;
}

export const readingCommands = {
  /**
   * One event: from the database, else from the homeserver (then stored). With `unredact`, a redacted event's
   * original content is asked of the server (MSC2815: server admins and room moderators, where enabled). With
   * `fresh`, the homeserver is asked even for a stored event, for its relations as they are now (unsigned
   * m.relations: a thread root's reply count after a reply was deleted); the stored copy keeps those it came with.
   */
  get_event: command(z.object({
    room_id: roomIdField,
    event_id: eventIdField,
    unredact: z.boolean().optional(),
    fresh: z.boolean().optional(),
  })).returns<Event>(),
  /** One stored event by its database rowid. */
  get_event_by_rowid: command(z.object({ event_rowid: z.number().int().positive() })).returns<Event>(),
  /** Stored events relating to an event (reactions, edits, thread replies), oldest first; optionally one kind. */
  get_related_events: command(z.object({
    room_id: roomIdField,
    event_id: eventIdField,
    relation_type: z.string().optional(),
    event_type: z.string().optional(),
  })).returns<Event[]>(),
  /**
   * Lattice extension (gomuks lists only stored edits, with get_related_events): every edit of a message that counts,
   * for its edit history. The stored ones are merged with the homeserver's list of the message's m.replace relations
   * (GET /rooms/{roomId}/relations/{eventId}/m.replace, spec v1.3, every page), so an edit that fell into a sync gap
   * is listed too; those fetched are decrypted, sanitized and stored like other fetched events, and when one is the
   * message's newest edit the message comes in a sync_complete with it. If the homeserver cannot be asked, the stored
   * edits are answered with `server_problem`.
   */
  get_edit_history: command(z.object({
    room_id: roomIdField,
    event_id: eventIdField,
  })).returns<EditHistoryResponse>(),
  /** Events around one event, from the homeserver (/context): for jumping to a point in a separate view. */
  get_event_context: command(z.object({
    room_id: roomIdField,
    event_id: eventIdField,
    limit: z.number().int().min(0).max(100).optional(),
  })).returns<EventContextResponse>(),
  /**
   * Lattice extension (gomuks has none): the event nearest a time, from the homeserver (GET
   * /rooms/{roomId}/timestamp_to_event, spec v1.6), for jumping to a date as Element does: with direction `f` (the
   * default) the first event at or after `timestamp` (ms since the epoch), with `b` the last at or before it. The
   * frontend opens it as it opens any event (get_event_context when it is not loaded). Null when there is no event
   * that way (nothing was said after that time); an error in words when the homeserver cannot be reached, does not
   * offer it, or refuses.
   */
  timestamp_to_event: command(z.object({
    room_id: roomIdField,
    timestamp: z.number().int().min(0),
    direction: z.enum(['f', 'b']).optional(),
  })).returns<TimestampToEventResponse | null>(),
  /**
   * A page from the homeserver by token: `/messages` from `since` (e.g. get_event_context's start/end), or with
   * `thread_root` the thread's events (`/relations/<root>/m.thread`). `next_batch` continues it.
   */
  paginate_manual: command(z.object({
    room_id: roomIdField,
    thread_root: eventIdField.optional(),
    since: z.string().optional(),
    direction: z.enum(['b', 'f']),
    limit: z.number().int().min(1).max(1000).optional(),
  })).returns<ManualPaginationResponse>(),
  /**
   * Lattice extension (gomuks has none): a room's threads from the homeserver (GET /rooms/{roomId}/threads, spec
   * v1.4), latest activity first. `events` are the roots with the server's m.thread summary (count, latest_event,
   * current_user_participated) in unsigned m.relations as it is now; `related_events` the latest replies, stored and
   * decrypted like the roots. `include: participated` keeps the threads the user started or replied in.
   * `next_batch` continues it (as `from`).
   */
  get_threads: command(z.object({
    room_id: roomIdField,
    include: z.enum(['all', 'participated']).optional(),
    from: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })).returns<ManualPaginationResponse>(),
  /** Chosen current-state events from the database; keys that have no stored state are left out. */
  get_specific_room_state: command(z.object({
    keys: z.array(z.object({ room_id: roomIdField, type: z.string().min(1), state_key: z.string() })).max(1000),
  })).returns<Event[]>(),
  /**
   * Lattice extension (gomuks has none): the current state events of these types in every room we are joined to,
   * from the database, for views that gather one kind of state across rooms (the Settings screen's list of every
   * room's emoji packs) without loading each room's whole state. Invited and left rooms are not included.
   * `room_ids` narrows it to those rooms (the packs of the spaces containing the room being written in).
   */
  get_state_of_types: command(z.object({
    types: z.array(z.string().min(1)).min(1).max(20),
    room_ids: z.array(roomIdField).min(1).max(100).optional(),
  })).returns<Event[]>(),
  /**
   * Stored read receipts on these events (not the account's own): event ID → receipts. A user with receipts on
   * several of them counts only at the first listed, so list the events newest first.
   */
  get_receipts: command(z.object({
    room_id: roomIdField,
    event_ids: z.array(z.string()).max(1000),
  })).returns<Record<string, Receipt[]>>(),
  /**
   * Stored events whose unread_type has any of the bits of `type` (4: highlight), at or before `max_timestamp`,
   * newest first; optionally in one room.
   */
  get_mentions: command(z.object({
    max_timestamp: z.number().int(),
    type: z.number().int().min(1),
    limit: z.number().int().min(1).max(1000),
    room_id: roomIdField.optional(),
  })).returns<Event[]>(),
} satisfies CommandArea;
