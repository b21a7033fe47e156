/**
 * What the desktop shell knows about rooms, read from its OWN backend connection exactly as any frontend reads
 * it: `sync_complete` room metas give unread and highlight counts (tray, badge, unread-room menu), and each
 * SyncRoom's `notifications` (the backend's push-rule results) name the events to notify about. Plain data in,
 * plain data out, so every rule is tested without Electron.
 *
 * Only names and counts are kept long term; an event's text passes through once, into the notification, and is
 * never stored here.
 */
import { isolateBidi, NameIndex, plainName } from '../../shared/display-name.ts';
import { htmlToPlainText } from '../../shared/html-text.ts';
import { inviteDisplayName } from '../../shared/invite-names.ts';
import { inviteAlert } from '../../shared/invite-push-rule.ts';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { ClientState, Event, EventsDecrypted, InvitedRoom, JSONObject, JSONValue, Room, SyncComplete } from '../../shared/rpc/types.ts';
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';

export type Attention = 'none' | 'unread' | 'highlight';

export interface RoomUnread {
  room_id: string;
  name: string;
  notifications: number;
  highlights: number;
  marked_unread: boolean;
  /** An invitation waiting for an answer (counts like a mention: it is addressed to the user). */
  invited: boolean;
  sorting_timestamp: number;
}

export interface UnreadSummary {
  /** Highlights (mentions, keywords) win over plain unread: the tray shows them differently. */
  attention: Attention;
  /** The number on the dock/taskbar badge: notifying messages, plus one per room marked unread without any. */
  badgeCount: number;
  /** Rooms that want attention, highlights first, then the most recent. */
  rooms: RoomUnread[];
}

export type MessageKind = 'text' | 'emote' | 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'encrypted' | 'invite' | 'other';

/** One event the push rules say to notify about, with what a notification needs to show it. */
export interface PendingNotification {
  room_id: string;
  room_name: string;
  /** A direct chat: the title is the person, not the room. */
  is_dm: boolean;
  /** The room's avatar (mxc://), for when there is no sender avatar. */
  room_avatar?: string;
  /** The event to open the room at; absent for an invite (there is no event to show yet). */
  event_id?: string;
  event_rowid?: number;
  /** Servers to join through: for an invite, the inviter's. */
  via?: string[];
  sender: string;
  sender_name: string;
  /** False when no member event gave the sender a display name (sender_name is then the localpart). */
  sender_known: boolean;
  sender_avatar?: string;
  kind: MessageKind;
  /** The message text for text-like kinds (never stored; handed straight to the notification). */
  text?: string;
  sound: boolean;
  highlight: boolean;
  timestamp: number;
}

export interface TrackerUpdate {
  /** New notifications from this batch, in order. */
  notifications: PendingNotification[];
  /** Rooms with nothing unread any more (read here or on another device): their notifications are withdrawn. */
  readRooms: string[];
  /** The summary changed: redraw tray, badge and menu. */
  summaryChanged: boolean;
  /**
   * Events that decrypted after the fact (`events_decrypted`), as notifications would show them now: a notification
   * on screen that still says "Encrypted message" for one of them is updated (sound and highlight are the shown
   * one's; these carry none).
   */
  decrypted?: PendingNotification[];
}

interface RoomInfo {
  meta: Room;
  /** user_id → display name / avatar, from the member events this connection has seen. */
  members: Map<string, { name?: string; avatar?: string; membership?: string }>;
  /** `members` indexed by how the names look; built when first needed, dropped when a member event changes it. */
  names?: NameIndex;
}

/**
 * How a notification names its sender: as the spec's display-name rule says (issue 8), with the user ID beside a
 * name another member shares or one that looks like a user ID, isolated so a right-to-left override in it cannot
 * reorder the notification's text. `atEvent` is the name the sender had when the message was sent, if known.
 */
function senderName(info: RoomInfo, userId: string, atEvent?: string): string {
  // Built once per change of the member list, not per notification: catching up on a large account notifies
  // about thousands of messages in rooms with thousands of members, on the thread that runs the window.
  info.names ??= new NameIndex([...info.members].map(([id, m]) => [id, { displayname: m.name, membership: m.membership }] as const));
  const shown = info.names.resolve(userId, atEvent);
  return isolateBidi(shown ? plainName(userId, shown) : localpart(userId));
}

const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `@alice:example.org` → `alice`: what people see when no display name is known. */
function localpart(userId: string): string {
  const m = /^@([^:]+)/.exec(userId);
  return m ? m[1] : userId;
}

function messageKind(ev: Event): { kind: MessageKind; text?: string } {
  const type = effectiveType(ev);
  if (type === 'm.room.encrypted') return { kind: 'encrypted' };
  const content = effectiveContent(ev);
  if (type === 'm.sticker') return { kind: 'sticker', text: str(content.body) };
  if (type === 'm.room.member') return { kind: 'invite' };
  if (type !== 'm.room.message') return { kind: 'other' };
  // A formatted message reads as its formatted text (its body may be markdown source, or spell out a spoiler).
  const html = content.format === 'org.matrix.custom.html' ? str(ev.local_content?.sanitized_html) : undefined;
  const body = (html !== undefined ? str(htmlToPlainText(html)) : undefined) ?? str(content.body);
  switch (content.msgtype) {
    case 'm.emote': return { kind: 'emote', text: body };
    case 'm.image': return { kind: 'image' };
    case 'm.video': return { kind: 'video' };
    case 'm.audio': return { kind: 'audio' };
    case 'm.file': return { kind: 'file' };
    default: return { kind: 'text', text: body };
  }
}

function roomName(info: RoomInfo): string {
  const m = info.meta;
  if (m.name) return m.name;
  if (m.dm_user_id) return info.members.get(m.dm_user_id)?.name ?? localpart(m.dm_user_id);
  return m.canonical_alias ?? m.room_id;
}

function rememberMembers(info: RoomInfo, events: readonly Event[]): void {
  for (const ev of events) {
    if (ev.type === 'm.room.member' && ev.state_key && isObject(ev.content)) {
      info.members.set(ev.state_key, {
        name: str(ev.content.displayname), avatar: str(ev.content.avatar_url), membership: str(ev.content.membership),
      });
      info.names = undefined;
    }
  }
}

function sameSummary(a: UnreadSummary, b: UnreadSummary): boolean {
  return a.attention === b.attention && a.badgeCount === b.badgeCount && JSON.stringify(a.rooms) === JSON.stringify(b.rooms);
}

interface InviteInfo {
  name: string;
  inviter?: string;
  inviter_name?: string;
  inviter_avatar?: string;
  is_direct: boolean;
  created_at: number;
}

/**
 * What an invite says about itself: its stripped state names the inviter, and the room as the room list names it
 * (an unnamed room after its inviter, not by its room ID).
 */
function inviteInfo(inv: InvitedRoom): InviteInfo {
  let inviter_name: string | undefined;
  let inviter_avatar: string | undefined;
  for (const raw of inv.invite_state) {
    const ev = raw as { type?: unknown; state_key?: unknown; content?: unknown };
    if (!isObject(ev.content)) continue;
    if (ev.type === 'm.room.member' && ev.state_key === inv.invited_by) {
      inviter_name = str(ev.content.displayname);
      inviter_avatar = str(ev.content.avatar_url);
    }
  }
  return {
    name: inviteDisplayName(inv),
    ...(inv.invited_by ? { inviter: inv.invited_by } : {}),
    ...(inviter_name ? { inviter_name } : {}),
    ...(inviter_avatar ? { inviter_avatar } : {}),
    is_direct: !!inv.is_direct,
    created_at: inv.created_at,
  };
}

/** `@alice:example.org` → `example.org`: where to join an invited room through. */
function serverOf(userId: string | undefined): string[] {
  const i = userId?.indexOf(':') ?? -1;
  return userId && i > 0 ? [userId.slice(i + 1)] : [];
}

export class UnreadTracker {
  private readonly rooms = new Map<string, RoomInfo>();
  private readonly invites = new Map<string, InviteInfo>();
  private ownUserId: string | undefined;
  /** The account's m.push_rules content, last sent: whether invitations notify (shared/invite-push-rule.ts). */
  private pushRules: JSONValue | undefined;
  private last: UnreadSummary = { attention: 'none', badgeCount: 0, rooms: [] };

  /** Feeds one envelope from the backend; returns what changed, or null for envelopes that change nothing here. */
  apply(env: Envelope): TrackerUpdate | null {
    switch (env.command) {
      case 'client_state': {
        const cs = env.data as ClientState | undefined;
        this.ownUserId = cs?.user_id;
        if (cs && !cs.is_logged_in) return this.reset();
        return null;
      }
      case 'sync_complete':
        return isObject(env.data) ? this.applySync(env.data) : null;
      case 'events_decrypted':
        return isObject(env.data) ? this.applyDecrypted(env.data as unknown as EventsDecrypted) : null;
      default:
        return null;
    }
  }

  summary(): UnreadSummary {
    return this.last;
  }

  roomName(roomId: string): string | undefined {
    const info = this.rooms.get(roomId);
    return info && roomName(info);
  }

  /** Whether the room still has something unread (a notification prepared meanwhile may be stale). */
  isUnread(roomId: string): boolean {
    const m = this.rooms.get(roomId)?.meta;
    return !!m && (m.unread_notifications > 0 || m.unread_highlights > 0 || !!m.marked_unread);
  }

  /** Member events fetched for a room (get_room_state): names and avatars for later notifications. */
  addMembers(roomId: string, events: readonly Event[]): void {
    const info = this.rooms.get(roomId);
    if (info) rememberMembers(info, events);
  }

  /** The notification with the names and avatars known now. */
  refreshNames(n: PendingNotification): PendingNotification {
    const info = this.rooms.get(n.room_id);
    const member = info?.members.get(n.sender);
    if (!info || !member) return n;
    return {
      ...n, room_name: roomName(info), sender_name: senderName(info, n.sender), sender_known: true,
      ...(member.avatar ? { sender_avatar: member.avatar } : {}),
    };
  }

  private reset(): TrackerUpdate {
    const read = [...this.rooms.keys(), ...this.invites.keys()];
    this.rooms.clear();
    this.invites.clear();
    return { notifications: [], readRooms: read, summaryChanged: this.refresh() };
  }

  private applySync(sc: SyncComplete): TrackerUpdate {
    const readRooms: string[] = [];
    if (sc.clear_state) {
      readRooms.push(...this.rooms.keys(), ...this.invites.keys());
      this.rooms.clear();
      this.invites.clear();
    }
    for (const id of sc.left_rooms ?? []) {
      const had = this.rooms.delete(id);
      if (this.invites.delete(id) || had) readRooms.push(id);
    }
    const notifications: PendingNotification[] = [];
    const rules = sc.account_data?.['m.push_rules'];
    if (rules) this.pushRules = rules.content;
    const inviteRule = inviteAlert(this.pushRules);
    for (const inv of sc.invited_rooms ?? []) {
      const isNew = !this.invites.has(inv.room_id);
      const info = inviteInfo(inv);
      this.invites.set(inv.room_id, info);
      // The replay on connect is not news; an invite already known is not news either.
      if (!isNew || sc.clear_state || !info.inviter || info.inviter === this.ownUserId || !inviteRule.notify) continue;
      notifications.push({
        room_id: inv.room_id, room_name: info.name, is_dm: info.is_direct, via: serverOf(info.inviter),
        sender: info.inviter, sender_name: info.inviter_name ?? localpart(info.inviter), sender_known: true,
        ...(info.inviter_avatar ? { sender_avatar: info.inviter_avatar } : {}),
        ...(inv.avatar ? { room_avatar: inv.avatar } : {}),
        kind: 'invite', sound: inviteRule.sound, highlight: true, timestamp: info.created_at,
      });
    }
    for (const [roomId, sr] of Object.entries(sc.rooms ?? {})) {
      // Joined: the invitation is answered.
      if (this.invites.delete(roomId)) readRooms.push(roomId);
      let info = this.rooms.get(roomId);
      if (sr.meta) {
        if (info) info.meta = sr.meta;
        else this.rooms.set(roomId, (info = { meta: sr.meta, members: new Map() }));
      }
      if (!info) continue;
      const events = sr.events ?? [];
      rememberMembers(info, events);
      if (sr.meta && sr.meta.unread_notifications === 0 && sr.meta.unread_highlights === 0 && !sr.meta.marked_unread) {
        readRooms.push(roomId);
        // Already read (on another device, in the same batch): nothing left to notify about.
        continue;
      }
      // The first batch after connecting replays stored state; it is not news.
      if (sc.clear_state) continue;
      const byRowid = new Map(events.map((e) => [e.rowid, e]));
      for (const n of sr.notifications ?? []) {
        const ev = byRowid.get(n.event_rowid);
        if (!ev || ev.sender === this.ownUserId || ev.redacted_by) continue;
        notifications.push(this.pending(roomId, info, ev, n.sound, n.highlight));
      }
    }
    return { notifications, readRooms, summaryChanged: this.refresh() };
  }

  /** Decrypted events of a known room, as notifications; the backend re-sends nothing else for them. */
  private applyDecrypted(d: EventsDecrypted): TrackerUpdate | null {
    const info = typeof d.room_id === 'string' ? this.rooms.get(d.room_id) : undefined;
    if (!info || !Array.isArray(d.events)) return null;
    const decrypted = d.events
      .filter((ev) => isObject(ev) && ev.decrypted_type && ev.sender !== this.ownUserId && !ev.redacted_by)
      .map((ev) => this.pending(d.room_id, info, ev, false, false));
    return decrypted.length ? { notifications: [], readRooms: [], summaryChanged: false, decrypted } : null;
  }

  private pending(roomId: string, info: RoomInfo, ev: Event, sound: boolean, highlight: boolean): PendingNotification {
    const member = info.members.get(ev.sender);
    return {
      room_id: roomId,
      room_name: roomName(info),
      is_dm: !!info.meta.dm_user_id,
      ...(info.meta.avatar ? { room_avatar: info.meta.avatar } : {}),
      event_id: ev.event_id,
      event_rowid: ev.rowid,
      sender: ev.sender,
      sender_name: senderName(info, ev.sender, str(ev.local_content?.sender_profile?.displayname)),
      sender_known: !!member,
      ...(member?.avatar ? { sender_avatar: member.avatar } : {}),
      ...messageKind(ev),
      sound,
      highlight,
      timestamp: ev.timestamp,
    };
  }

  private refresh(): boolean {
    const rooms: RoomUnread[] = [];
    let badge = 0;
    let highlight = false;
    for (const info of this.rooms.values()) {
      const m = info.meta;
      const marked = !!m.marked_unread;
      if (m.unread_notifications <= 0 && m.unread_highlights <= 0 && !marked) continue;
      rooms.push({
        room_id: m.room_id, name: roomName(info), notifications: m.unread_notifications, highlights: m.unread_highlights,
        marked_unread: marked, invited: false, sorting_timestamp: m.sorting_timestamp,
      });
      badge += Math.max(m.unread_notifications, m.unread_highlights, marked ? 1 : 0);
      if (m.unread_highlights > 0) highlight = true;
    }
    for (const [roomId, inv] of this.invites) {
      rooms.push({ room_id: roomId, name: inv.name, notifications: 0, highlights: 0, marked_unread: false, invited: true, sorting_timestamp: inv.created_at });
      badge += 1;
      highlight = true;
    }
    const urgent = (r: RoomUnread): number => Number(r.invited || r.highlights > 0);
    rooms.sort((a, b) => (urgent(b) - urgent(a)) || (b.sorting_timestamp - a.sorting_timestamp));
    const next: UnreadSummary = { attention: highlight ? 'highlight' : rooms.length ? 'unread' : 'none', badgeCount: badge, rooms };
    const changed = !sameSummary(next, this.last);
    this.last = next;
    return changed;
  }
}
