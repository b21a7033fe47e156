/**
 * Zod schemas of gomuks' wire types, written from its Go structs (pkg/hicli/database: Event, Room, AccountData,
 * SpaceEdge, UnreadCounts; pkg/hicli/jsoncmd: events.go, responses.go) and its web frontend's types
 * (web/src/api/types/hitypes.ts, hievents.ts) where the Go struct was not available (Receipt, InvitedRoom).
 *
 * They describe what gomuks *sends*, so they are as strict as Go's encoding/json makes it:
 * - a field without `omitempty` is always present; a nil slice, map or pointer in it is sent as `null`
 *   (`nullable` here), so a frontend must cope with null but can rely on the key;
 * - an `omitempty` field may be absent (`optional` here);
 * - extra keys are allowed (a gomuks frontend ignores them), except where the Go type is a fixed Matrix shape
 *   that a frontend reads by key (LazyLoadSummary), so a renamed key shows up as an error.
 * Used by the wire-shape test to validate Lattice's payloads; nothing in the app imports this.
 */
import { z } from 'zod';

const int = z.number().int();
const jsonObject = z.record(z.string(), z.unknown());
/** Go `[]T` / `map` without omitempty: the key is always there, null when empty. */
const list = <T extends z.ZodType>(t: T) => z.array(t).nullable();
const map = <T extends z.ZodType>(t: T) => z.record(z.string(), t).nullable();

export const EventRowID = int;
export const TimelineRowID = int;

/** database.LocalContent: every field omitempty. */
export const LocalContent = z.looseObject({
  sanitized_html: z.string().optional(),
  preview_text: z.string().optional(),
  html_version: int.optional(),
  was_plaintext: z.boolean().optional(),
  big_emoji: z.boolean().optional(),
  has_math: z.boolean().optional(),
  edit_source: z.string().optional(),
  push_rule_id: z.string().optional(),
});

/** database.Event */
export const Event = z.looseObject({
  rowid: EventRowID,
  timeline_rowid: TimelineRowID,
  room_id: z.string(),
  event_id: z.string(),
  sender: z.string(),
  type: z.string(),
  state_key: z.string().optional(),
  timestamp: int,
  content: jsonObject,
  decrypted: jsonObject.optional(),
  decrypted_type: z.string().optional(),
  unsigned: jsonObject.optional(),
  local_content: LocalContent.optional(),
  transaction_id: z.string().optional(),
  redacted_by: z.string().optional(),
  relates_to: z.string().optional(),
  relation_type: z.string().optional(),
  decryption_error: z.string().optional(),
  send_error: z.string().optional(),
  reactions: z.record(z.string(), int).optional(),
  own_reactions: z.record(z.string(), z.array(z.string())).optional(),
  last_edit_rowid: EventRowID.optional(),
  unread_type: int.optional(),
  sticky_duration_ms: int.optional(),
});

/** mautrix.LazyLoadSummary: Matrix's own keys, every one omitempty. */
export const LazyLoadSummary = z.strictObject({
  'm.heroes': z.array(z.string()).optional(),
  'm.joined_member_count': int.optional(),
  'm.invited_member_count': int.optional(),
});

/** database.Room (with the embedded UnreadCounts). */
export const Room = z.looseObject({
  room_id: z.string(),
  creation_content: jsonObject.optional(),
  tombstone: jsonObject.optional(),
  name: z.string().optional(),
  name_quality: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  avatar: z.string().optional(),
  explicit_avatar: z.boolean(),
  dm_user_id: z.string().optional(),
  topic: z.string().optional(),
  canonical_alias: z.string().optional(),
  lazy_load_summary: LazyLoadSummary.optional(),
  encryption_event: jsonObject.optional(),
  has_member_list: z.boolean(),
  preview_event_rowid: EventRowID,
  sorting_timestamp: int,
  unread_highlights: int,
  unread_notifications: int,
  unread_messages: int,
  marked_unread: z.boolean().optional(),
  prev_batch: z.string(),
});

/** database.AccountData: room_id only for room account data. */
export const AccountData = z.looseObject({
  user_id: z.string(),
  room_id: z.string().optional(),
  type: z.string(),
  content: jsonObject,
});
export const RoomAccountData = AccountData.extend({ room_id: z.string() });

/** database.Receipt (from the web types: thread_id optional). */
export const Receipt = z.looseObject({
  user_id: z.string(),
  receipt_type: z.string(),
  thread_id: z.string().optional(),
  event_id: z.string(),
  timestamp: int,
});

export const TimelineRowTuple = z.looseObject({ timeline_rowid: TimelineRowID, event_rowid: EventRowID });

export const SyncNotification = z.looseObject({ event_rowid: EventRowID, sound: z.boolean(), highlight: z.boolean() });

/** jsoncmd.SyncRoom */
export const SyncRoom = z.looseObject({
  meta: Room.nullable(),
  timeline: list(TimelineRowTuple),
  reset: z.boolean(),
  state: map(z.record(z.string(), EventRowID)),
  account_data: map(RoomAccountData),
  events: list(Event),
  receipts: map(z.array(Receipt)),
  sticky: z.array(EventRowID).optional(),
  dismiss_notifications: z.boolean(),
  notifications: list(SyncNotification),
});

/** Stripped state event in an invite. */
export const StrippedStateEvent = z.looseObject({
  type: z.string(),
  state_key: z.string(),
  sender: z.string(),
  content: jsonObject,
});

/** database.InvitedRoom */
export const InvitedRoom = z.looseObject({
  room_id: z.string(),
  created_at: int,
  invite_state: list(StrippedStateEvent),
});

/** database.SpaceEdge (space_id is cleared before sending; the map key is the space). */
export const SpaceEdge = z.looseObject({
  space_id: z.string().optional(),
  child_id: z.string(),
  child_event_rowid: EventRowID.optional(),
  order: z.string().optional(),
  suggested: z.boolean().optional(),
  parent_event_rowid: EventRowID.optional(),
  canonical: z.boolean().optional(),
});

export const SyncToDevice = z.looseObject({
  sender: z.string(), type: z.string(), content: jsonObject, encrypted: z.boolean(),
});

/** jsoncmd.SyncComplete */
export const SyncComplete = z.looseObject({
  since: z.string().optional(),
  clear_state: z.boolean().optional(),
  account_data: map(AccountData),
  rooms: map(SyncRoom),
  left_rooms: list(z.string()),
  invited_rooms: list(InvitedRoom),
  space_edges: map(z.array(SpaceEdge)),
  top_level_spaces: list(z.string()),
  to_device: z.array(SyncToDevice).optional(),
});

export const SyncStatus = z.looseObject({
  type: z.enum(['ok', 'waiting', 'erroring', 'permanently-failed']),
  error: z.string().optional(),
  error_count: int,
  last_sync: int.optional(),
});

export const EventsDecrypted = z.looseObject({
  room_id: z.string(),
  preview_event_rowid: EventRowID.optional(),
  events: list(Event),
});

/** jsoncmd.Typing: room_id plus the embedded m.typing content. */
export const Typing = z.looseObject({ room_id: z.string(), user_ids: list(z.string()) });

export const SendComplete = z.looseObject({ event: Event.nullable(), error: z.string().nullable() });

export const VerificationState = z.looseObject({
  is_verified: z.boolean(),
  state_checked: z.boolean(),
  has_cross_signing: z.boolean(),
  has_ssss: z.boolean(),
});

/** jsoncmd.ClientState */
export const ClientState = z.looseObject({
  is_initialized: z.boolean(),
  is_logged_in: z.boolean(),
  is_verified: z.boolean(),
  verification_state: VerificationState,
  user_id: z.string().optional(),
  device_id: z.string().optional(),
  homeserver_url: z.string().optional(),
  displayname: z.string().optional(),
  avatar_url: z.string().optional(),
});

export const RunData = z.looseObject({ run_id: z.string(), etag: z.string(), vapid_key: z.string() });
export const ImageAuthToken = z.string();
/** jsoncmd.InitComplete is an empty struct: `{}`. */
export const InitComplete = z.looseObject({});

/** Every event the backend pushes, by name (jsoncmd/commands.go). */
export const eventSchemas = {
  sync_complete: SyncComplete,
  sync_status: SyncStatus,
  events_decrypted: EventsDecrypted,
  typing: Typing,
  send_complete: SendComplete,
  client_state: ClientState,
  image_auth_token: ImageAuthToken,
  init_complete: InitComplete,
  run_id: RunData,
} as const;

// ---- jsoncmd/responses.go ----

export const PaginationResponse = z.looseObject({
  events: list(Event),
  receipts: map(z.array(Receipt)),
  related_events: list(Event),
  has_more: z.boolean(),
  from_server: z.boolean(),
});

export const EventContextResponse = z.looseObject({
  end: z.string(),
  start: z.string(),
  before: list(Event),
  after: list(Event),
  event: Event.nullable(),
  related_events: z.array(Event).optional(),
});

export const ManualPaginationResponse = z.looseObject({
  events: list(Event),
  next_batch: z.string().optional(),
  related_events: z.array(Event).optional(),
});

export const ProfileDevice = z.looseObject({
  device_id: z.string(), name: z.string(), identity_key: z.string(), signing_key: z.string(),
  fingerprint: z.string(), trust_state: z.string(),
});

export const ProfileEncryptionInfo = z.looseObject({
  devices_tracked: z.boolean(),
  devices: list(ProfileDevice),
  master_key: z.string(),
  first_master_key: z.string(),
  user_trusted: z.boolean(),
  errors: list(z.string()),
});

export const GetOwnDevicesResponse = z.looseObject({
  encryption: ProfileEncryptionInfo.nullable(),
  devices: list(jsonObject),
  current_device: ProfileDevice.nullable(),
});

export const RecoveryKeyResponse = z.looseObject({
  recovery_key: z.string(),
  cross_signing_keys: z.looseObject({
    'm.cross_signing.master': z.string(),
    'm.cross_signing.self_signing': z.string(),
    'm.cross_signing.user_signing': z.string(),
  }),
  passphrase_meta: jsonObject.optional(),
});

/** LoginFlowsResponse: mautrix.RespLoginFlows embedded, plus the OAuth server metadata when there is one. */
export const LoginFlowsResponse = z.looseObject({
  flows: list(z.looseObject({ type: z.string() })),
  oauth: jsonObject.optional(),
});

export const DownloadMediaResponse = z.looseObject({ path: z.string(), thumbnail_path: z.string().optional() });

export const GetProfileResponse = z.looseObject({
  profile: jsonObject.nullable(),
  bio: z.looseObject({ html: z.string(), edit_source: z.string().optional() }).optional(),
});

export const Receipts = z.record(z.string(), z.array(Receipt));

// ---- mautrix responses used by commands ----

export const RespSendEvent = z.looseObject({ event_id: z.string() });
export const RespRoomID = z.looseObject({ room_id: z.string() });
export const RespEmpty = z.looseObject({});
export const RespUserProfile = z.looseObject({ displayname: z.string().optional(), avatar_url: z.string().optional() });
export const RespMutualRooms = z.looseObject({ joined: list(z.string()), next_batch: z.string().optional(), count: int.optional() });
export const RespAliasResolve = z.looseObject({ room_id: z.string(), servers: list(z.string()) });
export const RespOpenIDToken = z.looseObject({
  access_token: z.string(), expires_in: int, matrix_server_name: z.string(), token_type: z.string(),
});
export const RespTurnServer = z.looseObject({ username: z.string(), password: z.string(), ttl: int, uris: list(z.string()) });
export const RespMediaConfig = z.looseObject({ 'm.upload.size': int.optional() });
export const RespHierarchy = z.looseObject({ rooms: list(jsonObject), next_batch: z.string().optional() });
export const RespRoomSummary = z.looseObject({ room_id: z.string() });
export const RespUpdateDelayedEvent = z.looseObject({});
export const ClientWellKnown = z.looseObject({
  'm.homeserver': z.looseObject({ base_url: z.string() }),
  'm.identity_server': z.looseObject({ base_url: z.string() }).optional(),
});
export const Account = z.looseObject({ user_id: z.string(), device_id: z.string(), access_token: z.string(), homeserver_url: z.string() });
export const MessageEventContent = z.looseObject({ msgtype: z.string().optional(), body: z.string().optional(), url: z.string().optional() });
