/**
 * What a slash command asks for, once parsed and validated: a discriminated union the executor turns into Matrix
 * requests. Parsing never touches the network, so a bad command is refused before anything is sent.
 */

export type MessageFormat = 'markdown' | 'plain' | 'html' | 'rainbow';
export type Msgtype = 'm.text' | 'm.emote' | 'm.notice';

/** An m.room.message from composer text, after gomuks' prefixes (/me, /notice, /plain, /html, /rainbow, ...). */
export interface SendMessageAction {
  kind: 'message';
  text: string;
  msgtype: Msgtype;
  /** How `text` becomes body/formatted_body: markdown (default), plain text, raw HTML, or rainbow markdown. */
  format: MessageFormat;
  /** `/unencrypted`: send in the clear even in an encrypted room. */
  unencrypted: boolean;
  /** `/rawinputbody`: body is exactly the typed text rather than the markdown's plain rendering. */
  rawInputBody: boolean;
  /** `/timestamp N`: origin_server_ts to ask for (appservice-style `ts` query), in ms. */
  timestamp?: number;
}

/** Any timeline event with JSON content (/raw, /unencryptedraw, /send, /msend). */
export interface SendEventAction {
  kind: 'event';
  /** The room, when not the current one (/send). */
  roomId?: string;
  type: string;
  content: Record<string, unknown>;
  unencrypted: boolean;
}

/** A state event (/rawstate, /setstate, /msetstate, /roomname). */
export interface SetStateAction {
  kind: 'state';
  roomId?: string;
  type: string;
  stateKey: string;
  content: Record<string, unknown>;
}

/** Changing someone's membership in the current room. `leave` is our own. */
export interface MembershipAction {
  kind: 'membership';
  action: 'invite' | 'kick' | 'ban' | 'unban' | 'leave';
  /** Absent for `leave` (ourselves). */
  userId?: string;
  reason?: string;
}

export interface JoinAction {
  kind: 'join';
  /** Room ID or alias. Absent: the current room (accepting its invite). */
  target?: string;
  via: string[];
  reason?: string;
}

/** Our display name or avatar, in the current room (member event) or everywhere (profile). */
export interface ProfileAction {
  kind: 'profile';
  scope: 'room' | 'global';
  field: 'displayname' | 'avatar_url';
  value: string;
}

/** Room tags in m.tag room account data. */
export interface TagAction {
  kind: 'tag';
  action: 'add' | 'remove' | 'list';
  tag?: string;
  order?: number;
}

export interface AliasAction {
  kind: 'alias';
  action: 'add' | 'remove' | 'resolve';
  /** Full alias, `#name:server`. */
  alias: string;
}

/** One power level entry of the current room, or (without `target`) a display of them. */
export interface PowerLevelAction {
  kind: 'power_level';
  /**
   * A user ID (users.*), an event type (events.*, it has a dot), or a top-level field such as `ban`, `kick`,
   * `redact`, `invite`, `state_default`, `events_default`, `users_default`, `notifications.room`.
   */
  target?: { kind: 'user'; userId: string } | { kind: 'event'; type: string } | { kind: 'field'; field: string };
  level?: number;
}

export interface CreateRoomAction {
  kind: 'create_room';
  name?: string;
}

/** A direct chat with these users: a new room, marked as DM in m.direct. */
export interface StartDMAction {
  kind: 'start_dm';
  userIds: string[];
}

/** Marking the current room as a DM with a user (or unmarking it) in m.direct. */
export interface MarkDMAction {
  kind: 'mark_dm';
  /** Absent: remove the current room from m.direct. */
  userId?: string;
}

export interface ReactAction {
  kind: 'react';
  eventId: string;
  key: string;
}

export interface RedactAction {
  kind: 'redact';
  eventId: string;
  /** Set when the event was given as a link into another room. */
  roomId?: string;
  reason?: string;
}

/**
 * /jumptodate: the first event at or after the start of a day. The Lattice UI runs it itself (the day is the user's
 * own, in the page's time zone); a frontend that leaves it to the backend gets a link to that event.
 */
export interface JumpToDateAction {
  kind: 'jump_to_date';
  /** The start of the day, ms since the epoch (the backend's midnight). */
  timestamp: number;
}

/** Something shown only to the user, never sent: /help, /id. */
export interface LocalOutputAction {
  kind: 'output';
  text: string;
}

export type SlashAction =
  | SendMessageAction | SendEventAction | SetStateAction | MembershipAction | JoinAction | ProfileAction | TagAction
  | AliasAction | PowerLevelAction | CreateRoomAction | StartDMAction | MarkDMAction | ReactAction | RedactAction
  | JumpToDateAction | LocalOutputAction;

/** Where the user typed the command: the room shown, who we are, and what the composer has selected. */
export interface SlashContext {
  roomId: string;
  ownUserId: string;
  /** The event the composer replies to, if any: /react and /redact without an event ID act on it. */
  replyTo?: string;
  /** A media attachment in the composer: /myroomavatar, /globalavatar and /roomavatar take their image from it. */
  attachment?: { msgtype: string; url?: string; encrypted?: boolean };
}

export type ParseResult = { ok: true; action: SlashAction } | { ok: false; error: string };
