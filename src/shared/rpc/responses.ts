/**
 * Responses of the commands that pass a homeserver's answer on (gomuks answers these with mautrix' `Resp*` types,
 * which are the Client-Server API's JSON). Only the fields a frontend relies on are named; the rest of the
 * server's JSON passes through, so a newer server's extra fields reach the frontend too.
 */
import type { JSONObject, JSONValue } from './types.ts';

/** join_room, knock_room, create_room (mautrix RespJoinRoom / RespKnockRoom / RespCreateRoom). */
export interface RespRoomID {
  room_id: string;
}

/** redact_event (mautrix RespSendEvent). */
export interface RespSendEvent {
  event_id: string;
}

/** leave_room, send_to_device, update_delayed_event: the server's empty object. */
export type RespEmpty = Record<string, never>;

export interface RespAliasResolve {
  room_id: string;
  servers: string[];
}

/** check_alias (Lattice's own): the room the address names, null when it is free. */
export interface RespAliasCheck {
  room_id: string | null;
}

/** A room's public summary (MSC3266 / spec v1.15 room_summary): room_id, name, topic, num_joined_members, ... */
export type RespRoomSummary = JSONObject & { room_id: string };

export interface RespHierarchy {
  rooms: JSONObject[];
  next_batch?: string;
}

/**
 * A page of a public room directory (the spec's /publicRooms answer): each room as the server describes it
 * (room_id, name, topic, canonical_alias, avatar_url, num_joined_members, join_rule, room_type, ...).
 */
export interface RespPublicRooms {
  chunk: JSONObject[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate?: number;
}

/** One person found in the homeserver's user directory (search_user_directory, a Lattice extension). */
export interface UserDirectoryResult {
  user_id: string;
  display_name?: string;
  /** An mxc:// URI. */
  avatar_url?: string;
}

/**
 * search_user_directory (a Lattice extension): the spec's `/user_directory/search` answer, each result checked (a
 * user ID; a name and avatar only when they are strings). `limited`: the server had more than it sent.
 */
export interface RespUserDirectory {
  results: UserDirectoryResult[];
  limited: boolean;
}

/**
 * get_server_support (a Lattice extension): the usable part of a server's `/.well-known/matrix/support` (spec
 * v1.10). Every string is checked by the backend: `matrix_id` a user ID, `email_address` an address, `support_page`
 * an https URL; still plain text from a stranger, never markup.
 */
export interface ServerSupport {
  contacts: SupportContact[];
  support_page?: string;
}

/** One contact: its role (`m.role.admin`, `m.role.security`, or a server's own) and at least one way to reach it. */
export interface SupportContact {
  role: string;
  matrix_id?: string;
  email_address?: string;
}

/** A profile as the server has it: displayname, avatar_url, and any extended fields. */
export type RespUserProfile = { [key: string]: JSONValue | undefined; displayname?: string; avatar_url?: string };

/**
 * gomuks' database.Account. `access_token` is always empty: gomuks itself refuses this command to web frontends,
 * and Lattice never lets the token leave the backend.
 */
export interface AccountInfo {
  user_id: string;
  device_id: string;
  access_token: '';
  homeserver_url: string;
}

export interface RespOpenIDToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

export interface RespTurnServer {
  username: string;
  password: string;
  ttl: number;
  uris: string[];
}

export type RespMediaConfig = { [key: string]: JSONValue | undefined; 'm.upload.size'?: number };

export type RespVersions = { [key: string]: JSONValue | undefined; versions: string[]; unstable_features?: Record<string, boolean> };

export type RespCapabilities = { [key: string]: JSONValue | undefined; capabilities: JSONObject };

/** MSC4143 / spec: the MatrixRTC transports (e.g. LiveKit SFUs) the homeserver recommends. */
export type RespRTCTransports = { [key: string]: JSONValue | undefined; rtc_transports: JSONObject[] };

/**
 * A URL preview as mautrix' BeeperLinkPreview: the server's OpenGraph fields (`og:title`, `og:image`, ...) plus
 * `matched_url`, the URL asked about.
 */
export type LinkPreview = { [key: string]: JSONValue | undefined; matched_url: string };

/** gomuks' database.PushRegistration, as register_push receives it. */
export interface PushRegistration {
  device_id: string;
  type: 'fcm' | 'web';
  data: JSONValue;
  encryption?: { key: string };
  expiration?: number;
}

/** One slash command as `get_slash_commands` lists it (Lattice's own command; gomuks has none). */
export interface SlashCommandHelp {
  name: string;
  aliases: string[];
  /** `/kick <user_id> [reason]` */
  usage: string;
  summary: string;
  args: { name: string; kind: string; optional: boolean; repeated: boolean; description: string }[];
  /** True for the message prefixes (/me, /notice, ...): what follows is sent as the message. */
  messagePrefix: boolean;
}
