/**
 * gomuks' full command list (pkg/hicli/jsoncmd/commands.go, its `Req*` names and `CommandSpec` types), each with
 * its request schema (from jsoncmd/params.go) and response schema. Commands gomuks declares "without response"
 * answer `true` (its json-commands.go returns `true, err`); "without request" take no data.
 *
 * Request schemas follow the Go structs: a field with `omitempty` is optional. Go's decoder also accepts a
 * missing non-omitempty field (as its zero value), so a field is required here only where the command cannot
 * work without it (room IDs, event IDs, types, content).
 *
 * `scope` says where the command stands for Lattice: `implemented` (answers today), or the reason it is out of
 * issue 6 (encryption, oauth, ffi-only).
 */
import { z } from 'zod';
import * as T from './gomuks-types.ts';

const jsonObject = z.record(z.string(), z.unknown());
const int = z.number().int();
const none = z.union([z.undefined(), z.null(), z.looseObject({})]);
const ok = z.literal(true);
const events = z.array(T.Event).nullable();

export type CommandScope = 'implemented' | 'encryption' | 'oauth' | 'ffi';

export interface GomuksCommand {
  params: z.ZodType;
  response: z.ZodType;
  scope: CommandScope;
}

const cmd = (scope: CommandScope, params: z.ZodType, response: z.ZodType): GomuksCommand => ({ scope, params, response });

const roomEvent = z.looseObject({ room_id: z.string(), event_id: z.string(), reason: z.string().optional() });
const userParam = z.looseObject({ user_id: z.string() });
const joinParams = z.looseObject({
  room_id_or_alias: z.string(), via: z.array(z.string()).optional(), reason: z.string().optional(), from_invite: z.boolean().optional(),
});
const searchBase = {
  search_term: z.string(), limit: int.optional(), room_ids: z.array(z.string()).optional(),
  senders: z.array(z.string()).optional(), sort_by_time: z.boolean().optional(), next_batch: z.string().optional(),
};

export const gomuksCommands: Record<string, GomuksCommand> = {
  get_state: cmd('implemented', none, T.ClientState),
  cancel: cmd('implemented', z.looseObject({ request_id: int, reason: z.string().optional() }), z.boolean()),
  send_message: cmd('implemented', z.looseObject({
    room_id: z.string(), base_content: jsonObject.optional(), extra: jsonObject.optional(), text: z.string().optional(),
    relates_to: jsonObject.optional(), mentions: jsonObject.optional(), url_previews: z.array(jsonObject).optional(),
  }), T.Event.nullable()),
  send_event: cmd('implemented', z.looseObject({
    room_id: z.string(), type: z.string(), content: jsonObject, disable_encryption: z.boolean().optional(), synchronous: z.boolean().optional(),
  }), T.Event),
  send_sticky_event: cmd('implemented', z.looseObject({
    room_id: z.string(), type: z.string(), content: jsonObject, sticky_duration_ms: int, delay_ms: int.optional(),
  }), z.string()),
  resend_event: cmd('implemented', z.looseObject({ transaction_id: z.string() }), T.Event),
  report_event: cmd('implemented', roomEvent, ok),
  redact_event: cmd('implemented', roomEvent, T.RespSendEvent),
  set_state: cmd('implemented', z.looseObject({
    room_id: z.string(), type: z.string(), state_key: z.string(), content: jsonObject, delay_ms: int.optional(),
  }), z.string()),
  update_delayed_event: cmd('implemented', z.looseObject({ delay_id: z.string(), action: z.enum(['cancel', 'restart', 'send']) }), T.RespUpdateDelayedEvent),
  set_membership: cmd('implemented', z.looseObject({
    action: z.enum(['invite', 'kick', 'ban', 'unban']), room_id: z.string(), user_id: z.string(),
    reason: z.string().optional(), msc4293_redact_events: z.boolean().optional(),
  }), ok),
  set_account_data: cmd('implemented', z.looseObject({ room_id: z.string().optional(), type: z.string(), content: jsonObject }), ok),
  mark_read: cmd('implemented', z.looseObject({ room_id: z.string(), event_id: z.string(), receipt_type: z.string() }), ok),
  set_typing: cmd('implemented', z.looseObject({ room_id: z.string(), timeout: int.optional() }), ok),
  // Older gomuks answers RespUserProfile; newer answers {profile, bio} (responses.go GetProfileResponse).
  get_profile: cmd('implemented', userParam, z.union([T.GetProfileResponse, T.RespUserProfile])),
  set_profile_field: cmd('implemented', z.looseObject({ field: z.string(), value: z.unknown().optional() }), ok),
  get_mutual_rooms: cmd('implemented', z.looseObject({ user_id: z.string(), next_batch: z.string().optional() }), z.union([T.RespMutualRooms, z.array(z.string()).nullable()])),
  track_user_devices: cmd('implemented', userParam, T.ProfileEncryptionInfo),
  reset_master_key_tofu: cmd('implemented', z.looseObject({ user_id: z.string(), master_key: z.string() }), T.ProfileEncryptionInfo),
  get_profile_encryption_info: cmd('implemented', userParam, T.ProfileEncryptionInfo),
  get_own_devices: cmd('implemented', none, T.GetOwnDevicesResponse),
  get_event: cmd('implemented', z.looseObject({ room_id: z.string(), event_id: z.string(), unredact: z.boolean().optional() }), T.Event),
  get_event_by_rowid: cmd('implemented', z.looseObject({ event_rowid: int }), T.Event),
  get_event_context: cmd('implemented', z.looseObject({ room_id: z.string(), event_id: z.string(), limit: int.optional() }), T.EventContextResponse),
  paginate_manual: cmd('implemented', z.looseObject({
    room_id: z.string(), thread_root: z.string().optional(), since: z.string().optional(), direction: z.enum(['b', 'f']), limit: int.optional(),
  }), T.ManualPaginationResponse),
  search_local: cmd('implemented', z.looseObject({
    ...searchBase, raw_like: z.string().optional(), min_timestamp: int.optional(), max_timestamp: int.optional(), include_redacted: z.boolean().optional(),
  }), T.ManualPaginationResponse),
  search_server: cmd('implemented', z.looseObject(searchBase), T.ManualPaginationResponse),
  get_mentions: cmd('implemented', z.looseObject({ max_timestamp: int, type: int, limit: int, room_id: z.string().optional() }), events),
  get_related_events: cmd('implemented', z.looseObject({
    room_id: z.string(), event_id: z.string(), relation_type: z.string().optional(), event_type: z.string().optional(),
  }), events),
  get_sticky_events: cmd('implemented', z.looseObject({ room_id: z.string() }), events),
  get_room_state: cmd('implemented', z.looseObject({
    room_id: z.string(), refetch: z.boolean().optional(), fetch_members: z.boolean().optional(), include_members: z.boolean().optional(),
  }), events),
  get_specific_room_state: cmd('implemented', z.looseObject({
    keys: z.array(z.looseObject({ room_id: z.string(), type: z.string(), state_key: z.string() })),
  }), events),
  get_receipts: cmd('implemented', z.looseObject({ room_id: z.string(), event_ids: z.array(z.string()) }), T.Receipts.nullable()),
  paginate: cmd('implemented', z.looseObject({
    room_id: z.string(), max_timeline_id: int.optional(), limit: int.optional(), reset: z.boolean().optional(),
  }), T.PaginationResponse),
  get_room_summary: cmd('implemented', z.looseObject({ room_id_or_alias: z.string(), via: z.array(z.string()).optional() }), T.RespRoomSummary),
  get_space_hierarchy: cmd('implemented', z.looseObject({
    room_id: z.string(), from: z.string().optional(), limit: int.optional(), max_depth: int.optional(), suggested_only: z.boolean().optional(),
  }), T.RespHierarchy),
  join_room: cmd('implemented', joinParams, T.RespRoomID),
  knock_room: cmd('implemented', joinParams, T.RespRoomID),
  leave_room: cmd('implemented', z.looseObject({ room_id: z.string(), reason: z.string().optional() }), T.RespEmpty),
  // mautrix.ReqCreateRoom: the Matrix /createRoom body.
  create_room: cmd('implemented', jsonObject, T.RespRoomID),
  mute_room: cmd('implemented', z.looseObject({ room_id: z.string(), muted: z.boolean() }), z.boolean()),
  update_push_rule: cmd('implemented', z.looseObject({
    kind: z.string(), rule_id: z.string(), action: z.enum(['enable', 'disable', 'put', 'delete', 'put_actions']),
    new_content: jsonObject.optional(), actions: z.array(z.unknown()).optional(),
  }), ok),
  ensure_group_session_shared: cmd('implemented', z.looseObject({ room_id: z.string() }), ok),
  // mautrix.ReqSendToDevice embedded: {messages: {user: {device: content}}}; encrypted: Olm-encrypt each device's content.
  send_to_device: cmd('implemented', z.looseObject({ messages: jsonObject, event_type: z.string(), encrypted: z.boolean().optional() }), T.RespEmpty),
  resolve_alias: cmd('implemented', z.looseObject({ alias: z.string() }), T.RespAliasResolve),
  request_openid_token: cmd('implemented', none, T.RespOpenIDToken),
  logout: cmd('implemented', none, ok),
  login: cmd('implemented', z.looseObject({ homeserver_url: z.string(), username: z.string(), password: z.string() }), ok),
  login_custom: cmd('implemented', z.looseObject({ homeserver_url: z.string(), request: jsonObject }), ok),
  oauth_register_client: cmd('oauth', jsonObject, jsonObject),
  oauth_get_authorization_url: cmd('oauth', jsonObject, jsonObject),
  oauth_exchange_token: cmd('oauth', jsonObject, ok),
  oauth_generate_device_code: cmd('oauth', jsonObject, jsonObject),
  oauth_poll_device_code: cmd('oauth', jsonObject, ok),
  verify: cmd('implemented', z.looseObject({ recovery_key: z.string() }), ok),
  // Lattice answers without cross_signing_keys: the engine makes the private keys in reset_encryption and keeps them.
  generate_recovery_key: cmd('implemented', z.looseObject({ passphrase: z.string().optional() }), T.RecoveryKeyResponse),
  reset_encryption: cmd('implemented', z.looseObject({
    recovery_key: z.string(), passphrase_meta: jsonObject.optional(), account_password: z.string().optional(),
  }), ok),
  discover_homeserver: cmd('implemented', userParam, T.ClientWellKnown),
  get_login_flows: cmd('implemented', z.looseObject({ homeserver_url: z.string() }), T.LoginFlowsResponse),
  // database.PushRegistration; stored only (issue 6: no push gateway).
  register_push: cmd('implemented', z.looseObject({
    device_id: z.string(), type: z.enum(['fcm', 'web']), data: z.unknown(), encryption: z.looseObject({ key: z.string() }).optional(), expiration: int.optional(),
  }), ok),
  listen_to_device: cmd('implemented', z.boolean(), z.boolean()),
  get_turn_servers: cmd('implemented', none, T.RespTurnServer),
  get_media_config: cmd('implemented', none, T.RespMediaConfig),
  calculate_room_id: cmd('implemented', z.looseObject({ timestamp: int, content: jsonObject }), z.string()),
  rerequest_session: cmd('implemented', z.looseObject({ room_id: z.string(), session_id: z.string(), sender: z.string() }), ok),
  get_account_info: cmd('implemented', none, T.Account),
  upload_media: cmd('implemented', z.looseObject({
    path: z.string(), filename: z.string().optional(), encrypt: z.boolean().optional(), voice_message: z.boolean().optional(),
    force_file: z.boolean().optional(), encode_to: z.string().optional(), resize_width: int.optional(), resize_height: int.optional(),
    resize_percent: int.optional(), quality: int.optional(),
  }), T.MessageEventContent),
  download_media: cmd('implemented', z.looseObject({
    mxc: z.string(), encrypted: z.boolean().optional(), is_avatar: z.boolean().optional(), thumbnail_avatar: z.boolean().optional(),
  }), T.DownloadMediaResponse),
  export_keys: cmd('implemented', z.looseObject({ passphrase: z.string(), room_id: z.string().optional() }), z.string()),
};

/**
 * Commands issue 6 names that the stored copy of commands.go predates (gomuks added them later): Lattice has them
 * (register_homeserver_push takes the spec's /pushers/set body, as gomuks' mobile frontend sends it).
 */
export const newerGomuksCommands = ['get_url_preview', 'get_rtc_transports', 'register_homeserver_push'] as const;

/** The RPC envelope's own commands, not requests a frontend makes. */
export const envelopeCommands = ['response', 'error', 'ping', 'pong'] as const;
