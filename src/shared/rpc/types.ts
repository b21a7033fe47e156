/**
 * Data types that cross the RPC boundary. Field names follow gomuks' wire format (its `database.*` and
 * `jsoncmd.*` types) so that a gomuks-compatible frontend could talk to this backend.
 */

export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

export type EventRowID = number;
export type TimelineRowID = number;

/** What `Event.send_error` holds while a local echo is on its way; anything else there is a failure. */
export const NOT_SENT = 'not sent';

export interface LocalContent {
  /** HTML already sanitized by the backend; the renderer may insert it as is. */
  sanitized_html?: string;
  was_plaintext?: boolean;
  big_emoji?: boolean;
  edit_source?: string;
  reply_fallback_removed?: boolean;
  /**
   * Lattice's addition: the sender's display name and avatar as they were when the event was sent (their member
   * state at that point of the room), so a later rename does not rewrite who said what. Absent on state events,
   * and where that state was unknown; then the sender's current member state applies.
   */
  sender_profile?: SenderProfile;
  /**
   * Lattice's addition, on a local echo only: how many link previews it waits for before it is sent (send_message's
   * `pending_url_previews`); absent once it goes.
   */
  waiting_for_link_previews?: number;
}

export interface SenderProfile {
  displayname?: string;
  avatar_url?: string;
}

/**
 * A stored event. `rowid` is stable for the event's whole life (a local echo keeps its rowid when the server's
 * copy arrives). `timeline_rowid` orders a room's timeline: rising for events from /sync, falling (negative)
 * for history fetched backwards, so one integer sort gives the order. It is 0 for events not in the timeline:
 * state-only events and local echoes that the server has not confirmed yet (frontends show those after the
 * timeline, matched by rowid, and place them when a sync_complete's timeline lists their rowid).
 */
export interface Event {
  rowid: EventRowID;
  timeline_rowid: TimelineRowID;
  room_id: string;
  /** For a local echo: a temporary id (`~txnid`) until `send_complete` delivers the real one. */
  event_id: string;
  sender: string;
  type: string;
  state_key?: string;
  /** Milliseconds since the epoch (origin_server_ts). */
  timestamp: number;
  /** Ciphertext for encrypted events. */
  content: JSONObject;
  decrypted?: JSONObject;
  decrypted_type?: string;
  unsigned?: JSONObject;
  local_content?: LocalContent;
  transaction_id?: string;
  redacted_by?: string;
  relates_to?: string;
  relation_type?: string;
  decryption_error?: string;
  /** `NOT_SENT` while a local echo is in flight; the error message if sending failed. */
  send_error?: string;
  reactions?: Record<string, number>;
  last_edit_rowid?: EventRowID;
  /** Bit flags, as gomuks' UnreadType: 1 normal, 2 notify, 4 highlight, 8 sound. */
  unread_type?: number;
  /** MSC4354: how long the event is sticky (its own duration, at most an hour); absent when it is not sticky. */
  sticky_duration_ms?: number;
}

/** 0 none, 1 participants (heroes), 2 canonical alias, 3 explicit m.room.name. */
export type NameQuality = 0 | 1 | 2 | 3;

/** The room summary of /sync, under Matrix's own keys (as gomuks keeps it). */
export interface LazyLoadSummary {
  'm.heroes'?: string[];
  'm.joined_member_count'?: number;
  'm.invited_member_count'?: number;
}

/** One row of the room list. */
export interface Room {
  room_id: string;
  creation_content?: JSONObject;
  tombstone?: JSONObject;
  name?: string;
  name_quality: NameQuality;
  /** An mxc:// URI. */
  avatar?: string;
  explicit_avatar: boolean;
  dm_user_id?: string;
  topic?: string;
  canonical_alias?: string;
  lazy_load_summary?: LazyLoadSummary;
  encryption_event?: JSONObject;
  has_member_list: boolean;
  preview_event_rowid: EventRowID;
  sorting_timestamp: number;
  unread_highlights: number;
  unread_notifications: number;
  unread_messages: number;
  marked_unread?: boolean;
  /**
   * Token for /messages older than the oldest stored timeline event; '' when unknown or the start was reached.
   * Always present on the wire (gomuks sends it), possibly absent inside the backend.
   */
  prev_batch?: string;
}

/** One account data entry, global (no room_id) or of a room. */
export interface AccountData {
  user_id: string;
  room_id?: string;
  type: string;
  content: JSONObject;
}

export interface Receipt {
  user_id: string;
  receipt_type: string;
  thread_id?: string;
  event_id: string;
  timestamp: number;
}

export interface TimelineRowTuple {
  timeline_rowid: TimelineRowID;
  event_rowid: EventRowID;
}

export interface SyncNotification {
  event_rowid: EventRowID;
  sound: boolean;
  highlight: boolean;
}

/**
 * A room's part of a sync_complete. On the wire, as in gomuks (Go marshals these fields without omitempty), every
 * key is present and an empty list or map is `null` (see sync/wire-shape.ts); inside the backend they may be absent.
 */
export interface SyncRoom {
  /** A whole Room row; replaces the previous one. null: unchanged. */
  meta?: Room | null;
  /** Appended to the room's timeline, or replaces it when `reset` is true. */
  timeline?: TimelineRowTuple[] | null;
  reset?: boolean;
  /** type → state_key → event rowid; merged into what the frontend has. */
  state?: Record<string, Record<string, EventRowID>> | null;
  account_data?: Record<string, AccountData> | null;
  /** Every Event the frontend needs for this diff (timeline events, state events referenced above, previews). */
  events?: Event[] | null;
  receipts?: Record<string, Receipt[]> | null;
  /**
   * Rowids of sticky events (MSC4354) that came outside the timeline (they are among `events`). Absent when
   * there are none, on the wire too (gomuks omits it).
   */
  sticky?: EventRowID[];
  /** The user read the room elsewhere: notifications of it can go. */
  dismiss_notifications?: boolean;
  notifications?: SyncNotification[] | null;
}

export interface InvitedRoom {
  room_id: string;
  created_at: number;
  invited_by?: string;
  name?: string;
  avatar?: string;
  is_direct?: boolean;
  /** Stripped state events as the server sent them. */
  invite_state: JSONObject[];
}

/** A space's child (from m.space.child in the space, or m.space.parent in the child); the map key is the space. */
export interface SpaceEdge {
  child_id: string;
  child_event_rowid?: EventRowID;
  order?: string;
  suggested?: boolean;
  parent_event_rowid?: EventRowID;
  canonical?: boolean;
}

/** As with SyncRoom, on the wire every key but since, clear_state and to_device is present (null when empty). */
export interface SyncComplete {
  since?: string;
  /** True on the first sync_complete a frontend gets after connecting: drop everything and take this. */
  clear_state?: boolean;
  account_data?: Record<string, AccountData> | null;
  rooms?: Record<string, SyncRoom> | null;
  left_rooms?: string[] | null;
  invited_rooms?: InvitedRoom[] | null;
  /** space → its children, for spaces whose children changed (replaces what the frontend had for them). */
  space_edges?: Record<string, SpaceEdge[]> | null;
  /** Spaces that are not a child of another joined space; sent whenever space_edges is. */
  top_level_spaces?: string[] | null;
  to_device?: JSONObject[];
}

export type SyncStatusType = 'ok' | 'waiting' | 'erroring' | 'permanently-failed';

export interface SyncStatus {
  type: SyncStatusType;
  error?: string;
  error_count: number;
  /** Unix milliseconds of the last successful sync. */
  last_sync?: number;
}

/** Cross-signing state of this device (crypto/recovery.ts); all false until the encryption store is open and checked. */
export interface VerificationState {
  is_verified: boolean;
  state_checked: boolean;
  has_cross_signing: boolean;
  has_ssss: boolean;
  /**
   * Lattice extension: while `state_checked` is false because the homeserver did not answer (or answered an error)
   * when asked what the account has, why, in words. The first-run step then waits instead of offering setup.
   */
  check_error?: string;
  /**
   * Lattice extension: the homeserver said the account has a key backup while it has no cross-signing or secret
   * storage (only then is it set): an older setup, for which setting up secure backup keeps that backup with its
   * key, or replaces it only when told to (reset_encryption's backup_key / replace_backup).
   */
  has_key_backup?: boolean;
}

export interface ClientState {
  is_initialized: boolean;
  is_logged_in: boolean;
  is_verified: boolean;
  verification_state: VerificationState;
  user_id?: string;
  device_id?: string;
  homeserver_url?: string;
  /** The account's own profile, once known. */
  displayname?: string;
  avatar_url?: string;
  /**
   * Lattice extension: where secrets are kept, in words, when it is not the OS keychain (for example the
   * explicit insecure file fallback). The UI shows it so the fallback is never silent.
   */
  secret_storage_warning?: string;
  /** Lattice extension: why the backend cannot keep secrets at all (no keychain and no fallback allowed). */
  secret_storage_error?: string;
  /**
   * Lattice extension: while signed out, why the last session ended when the person should be told on the login
   * screen (the account was deactivated). Gone once someone signs in again.
   */
  signed_out_notice?: string;
}

export interface PaginationResponse {
  events: Event[];
  receipts: Record<string, Receipt[]>;
  related_events: Event[];
  has_more: boolean;
  from_server: boolean;
}

export interface LoginFlow {
  type: string;
  [key: string]: JSONValue;
}

export interface RespLoginFlows {
  flows: LoginFlow[];
}

export interface ClientWellKnown {
  'm.homeserver': { base_url: string };
  'm.identity_server'?: { base_url: string };
  [key: string]: JSONValue | undefined;
}

export interface SendComplete {
  event: Event;
  error: string | null;
  /** Lattice's addition: the failed event was dropped (`discard_event`); frontends remove its local echo. */
  discarded?: true;
}

export interface Typing {
  room_id: string;
  user_ids: string[];
}

export interface RunID {
  run_id: string;
  etag: string;
  /** Web push key; '' since Lattice has no push gateway. */
  vapid_key: string;
}

export interface EventsDecrypted {
  room_id: string;
  preview_event_rowid?: EventRowID;
  /**
   * The events decrypted now (or whose decryption error changed), then, as in a sync's diff, the stored events they
   * changed or quote: a reaction's target with its new counts, an edit's target with its latest edit, a reply's
   * quoted message (Lattice's addition; a frontend applies them as any other copy of an event).
   */
  events: Event[];
}

/** How much a room notifies: every message, only mentions and keywords, or nothing (push rules underneath). */
export type RoomNotificationSetting = 'all' | 'mentions_and_keywords' | 'mute';
/** What presence a user can have (spec: m.presence). */
export type PresenceState = 'online' | 'unavailable' | 'offline';

/**
 * A user's presence as last received in /sync (Lattice extension: gomuks does not track presence). The server's
 * relative `last_active_ago` is turned into an absolute time when it is received, so it stays right when read later.
 */
export interface UserPresence {
  user_id: string;
  presence: PresenceState;
  status_msg?: string;
  /** Unix milliseconds of the user's last activity, when the server said. */
  last_active_ts?: number;
  currently_active?: boolean;
}

/** The `presence` event: users whose presence changed in a sync (and, on connect, every stored one). */
export interface PresenceUpdate {
  users: UserPresence[];
}
