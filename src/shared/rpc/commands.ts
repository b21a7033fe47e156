/**
 * Every command the backend understands: its request schema (checked at runtime on every request, because the
 * websocket is reachable by other programs) and its response type. The frontend's RpcClient is typed from the
 * same table, so a command's shape is written exactly once.
 *
 * Names and request fields follow the "RPC API" section of gomuks' docs.
 */
import { z } from 'zod';
import type {
  ClientState, ClientWellKnown, Event, JSONObject, PaginationResponse, RespLoginFlows,
} from './types.ts';

const matrixId = (sigil: string, what: string) =>
  z.string().regex(new RegExp(`^\\${sigil}[^:]+:.+$`), `must be a ${what} like ${sigil}name:example.org`);

export const roomID = matrixId('!', 'room ID').or(z.string().regex(/^![^:\s]+$/, 'must be a room ID')); // room v12 IDs may lack a server part
export const userID = matrixId('@', 'user ID');
const jsonObject = z.record(z.string(), z.unknown()) as unknown as z.ZodType<JSONObject>;
const httpURL = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
const empty = z.object({}).optional();

export const commandSchemas = {
  /** Current login/verification state. Also pushed as `client_state` events. */
  get_state: empty,
  /** Cancels an in-flight request. Responds true if one was found. */
  cancel: z.object({ request_id: z.number().int(), reason: z.string().optional() }),

  get_login_flows: z.object({ homeserver_url: httpURL }),
  /** Looks up `.well-known/matrix/client` for the server part of a user ID. */
  discover_homeserver: z.object({ user_id: userID }),
  login: z.object({ homeserver_url: httpURL, username: z.string().min(1), password: z.string().min(1) }),
  login_custom: z.object({ homeserver_url: httpURL, request: jsonObject }),
  /** Invalidates the access token on the server and deletes all local data of the account. */
  logout: empty,

  /**
   * Older timeline events: from the local database first, then `/messages` from the server (the fetched events
   * are stored, under falling timeline_rowids). `max_timeline_id` is the lowest timeline_rowid the frontend has
   * (absent: start at the newest). The response's `events` are newest first (descending timeline_rowid), as in
   * gomuks; `has_more` is false once the room's creation is reached.
   */
  paginate: z.object({
    room_id: roomID,
    max_timeline_id: z.number().int().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    reset: z.boolean().optional(),
  }),
  /** Current state events of a room, from the local database. */
  get_room_state: z.object({
    room_id: roomID,
    refetch: z.boolean().optional(),
    fetch_members: z.boolean().optional(),
    include_members: z.boolean().optional(),
  }),

  /**
   * Sends an m.room.message. `text` is markdown: it fills body, formatted_body (sanitized HTML) and msgtype.
   * Returns the local echo at once (event_id temporary, send_error "not sent"); `send_complete` follows.
   */
  send_message: z.object({
    room_id: roomID,
    text: z.string().optional(),
    base_content: jsonObject.optional(),
    extra: jsonObject.optional(),
    relates_to: jsonObject.optional(),
    mentions: jsonObject.optional(),
  }).refine((d) => (d.text !== undefined && d.text.trim() !== '') || d.base_content !== undefined,
    { message: 'text or base_content is required' }),
  /** Sends any event. With `synchronous` the response carries the real event ID. */
  send_event: z.object({
    room_id: roomID,
    type: z.string().min(1),
    content: jsonObject,
    disable_encryption: z.boolean().optional(),
    synchronous: z.boolean().optional(),
  }),
  /** Sends a read receipt (and moves m.fully_read for m.read). */
  mark_read: z.object({
    room_id: roomID,
    event_id: z.string().min(1),
    receipt_type: z.enum(['m.read', 'm.read.private']),
  }),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<C extends CommandName> = z.input<(typeof commandSchemas)[C]>;

/** What each command answers with (the `data` of its `response`). */
export interface CommandResponses {
  get_state: ClientState;
  cancel: boolean;
  get_login_flows: RespLoginFlows;
  discover_homeserver: ClientWellKnown;
  login: boolean;
  login_custom: boolean;
  logout: boolean;
  paginate: PaginationResponse;
  get_room_state: Event[];
  send_message: Event;
  send_event: Event;
  mark_read: boolean;
}

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandSchemas, name);
}
