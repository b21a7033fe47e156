/**
 * Commands about rooms and who is in them: membership changes, joining, knocking, leaving, creating rooms, aliases,
 * room previews (summary) and space hierarchies. Names and fields follow gomuks' jsoncmd params.
 */
import { z } from 'zod';
import type { RespAliasCheck, RespAliasResolve, RespEmpty, RespHierarchy, RespRoomID, RespRoomSummary } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import {
  eventTypeField, jsonObject, roomAliasField, roomIdField, roomIdOrAliasField, serverNameField, userIdField,
} from './fields.ts';

const joinParams = z.object({
  room_id_or_alias: roomIdOrAliasField,
  /** Servers to join through: needed for a room ID the homeserver does not take part in yet. */
  via: z.array(serverNameField).optional(),
  reason: z.string().optional(),
  /** Accepting an invite: a DM invite also marks the room as a DM in m.direct (room_id_or_alias is a room ID). */
  from_invite: z.boolean().optional(),
});

const stateEvent = z.object({ type: eventTypeField, state_key: z.string().optional(), content: jsonObject });

/** mautrix' ReqCreateRoom: the Matrix /createRoom body. Known fields are checked; others pass to the server. */
const createRoomRequest = z.looseObject({
  visibility: z.enum(['public', 'private']).optional(),
  room_alias_name: z.string().regex(/^[^:\s#]+$/, 'must be the local part of an alias, without # or :').optional(),
  name: z.string().optional(),
  topic: z.string().optional(),
  invite: z.array(userIdField).optional(),
  creation_content: jsonObject.optional(),
  initial_state: z.array(stateEvent).optional(),
  preset: z.enum(['private_chat', 'public_chat', 'trusted_private_chat']).optional(),
  is_direct: z.boolean().optional(),
  power_level_content_override: jsonObject.optional(),
  room_version: z.string().min(1).optional(),
});

export const membershipCommands = {
  /** Invites, kicks, bans or unbans another user. Our own membership goes through join/knock/leave_room. */
  set_membership: command(z.object({
    action: z.enum(['invite', 'kick', 'ban', 'unban']),
    room_id: roomIdField,
    user_id: userIdField,
    reason: z.string().optional(),
    /** MSC4293: with a ban, suggest that clients hide all of the user's messages. */
    msc4293_redact_events: z.boolean().optional(),
  })).returns<boolean>(),
  join_room: command(joinParams).returns<RespRoomID>(),
  knock_room: command(joinParams).returns<RespRoomID>(),
  /** Leaves a room, or rejects its invite. */
  leave_room: command(z.object({ room_id: roomIdField, reason: z.string().optional() })).returns<RespEmpty>(),
  create_room: command(createRoomRequest).returns<RespRoomID>(),
  resolve_alias: command(z.object({ alias: roomAliasField })).returns<RespAliasResolve>(),
  /**
   * Whether an address is taken, for the dialogs that make one to say so as it is typed, as Element does (Lattice's
   * own command: resolve_alias answers a free address with an error, which would leave the page telling "free" from
   * "could not ask" by the error's words). `room_id` is the room it names, or null when the homeserver's directory
   * answers M_NOT_FOUND; failing to ask is an error.
   */
  check_alias: command(z.object({ alias: roomAliasField })).returns<RespAliasCheck>(),
  /**
   * The room's local aliases: those on our homeserver's directory that point at it, published or not (Lattice's
   * own command; gomuks has none). Publishing one is m.room.canonical_alias state, through set_state.
   */
  get_room_aliases: command(z.object({ room_id: roomIdField })).returns<string[]>(),
  /** Makes `#name:server` point at the room in the homeserver's directory (Lattice's own command). */
  create_alias: command(z.object({ alias: roomAliasField, room_id: roomIdField })).returns<RespEmpty>(),
  /** Removes an alias from the homeserver's directory (Lattice's own command). */
  delete_alias: command(z.object({ alias: roomAliasField })).returns<RespEmpty>(),
  /** A room's public summary, for previewing a room before joining it. */
  get_room_summary: command(z.object({
    room_id_or_alias: roomIdOrAliasField,
    via: z.array(serverNameField).optional(),
  })).returns<RespRoomSummary>(),
  /** One page of a space's hierarchy (may include rooms the user is not in). */
  get_space_hierarchy: command(z.object({
    room_id: roomIdField,
    from: z.string().optional(),
    limit: z.number().int().min(0).max(1000).optional(),
    max_depth: z.number().int().min(0).nullable().optional(),
    suggested_only: z.boolean().optional(),
  })).returns<RespHierarchy>(),
} satisfies CommandArea;
