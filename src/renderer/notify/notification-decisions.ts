/**
 * Which OS notifications a sync_complete calls for, decided without touching the browser: a pure function of the
 * diff, the store after applying it, what this module remembered from earlier syncs, and the window's situation.
 * web-notifier.ts shows what it returns through the Notification API.
 *
 * Sources, in order of trust:
 * - `SyncRoom.notifications` (the backend's push-rule results, gomuks' shape): one per listed event, silent when the
 *   rule has no sound.
 * - Until the backend fills that field, a fallback: a room whose `unread_notifications` rose gets one for its newest
 *   message from someone else in the diff.
 * - A new invite, when the push rules let invitations notify (shared/invite-push-rule.ts), silent without a sound.
 * Nothing is shown for the first sync of a connection (it replays the past), for our own events, or for the room in
 * view in a focused window. One notification per room (tag = room ID, so a newer one replaces it).
 */
import { inviteDisplayName, inviterName, isSpaceInvite } from '../../shared/invite-names.ts';
import { inviteAlert } from '../../shared/invite-push-rule.ts';
import type { Event, EventsDecrypted, InvitedRoom, SyncComplete } from '../../shared/rpc/types.ts';
import { displayNameOf, roomDisplayName, selectMemberAvatars, selectMemberNames } from '../api/selectors.ts';
import type { RoomData, StoreSnapshot } from '../api/snapshot.ts';
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';

export interface NotificationSpec {
  /** The room ID: groups a room's notifications, and what a click opens. */
  tag: string;
  /** The event a click opens the room at; none for an invite. */
  eventId?: string;
  title: string;
  body: string;
  silent: boolean;
  /** It says "Encrypted message": once the event decrypts, `afterDecryption` gives its text. */
  pendingDecryption?: true;
  /** The sender's avatar (else the room's), mxc://, shown as the notification's icon. */
  iconMxc?: string;
}

export interface NotifyMemory {
  /** unread_notifications per room as last seen. */
  readonly unread: ReadonlyMap<string, number>;
  readonly invites: ReadonlySet<string>;
}

export interface NotifyContext {
  ownUserId: string | null;
  viewedRoomId: string | null;
  focused: boolean;
  hideText: boolean;
}

/** What a notifier started mid-session knows already: nothing in the store now is news. */
export function memoryFromSnapshot(snap: Pick<StoreSnapshot, 'rooms' | 'invitedRooms'>): NotifyMemory {
  const unread = new Map<string, number>();
  for (const room of snap.rooms.values()) if (room.meta) unread.set(room.id, room.meta.unread_notifications);
  return { unread, invites: new Set(snap.invitedRooms.map((r) => r.room_id)) };
}

const MESSAGE_TYPES = new Set(['m.room.message', 'm.room.encrypted', 'm.sticker']);

/** The body text for an event, never its text when hidden; "Encrypted message" until it decrypts. */
export function notificationBody(event: Event, senderName: string, hideText: boolean): string {
  if (hideText) return 'New message';
  const type = effectiveType(event);
  if (type === 'm.room.encrypted') return 'Encrypted message';
  const content = effectiveContent(event);
  if (type === 'm.sticker') return 'Sent a sticker';
  const body = typeof content.body === 'string' ? content.body.trim() : '';
  if (!body) return 'New message';
  if (content.msgtype === 'm.emote') return `* ${senderName} ${body}`;
  return body.length > 300 ? `${body.slice(0, 300)}…` : body;
}

function forEvent(room: RoomData, event: Event, silent: boolean, ctx: Pick<NotifyContext, 'hideText'>): NotificationSpec {
  const sender = event.local_content?.sender_profile?.displayname?.trim() || displayNameOf(selectMemberNames(room), event.sender);
  const roomName = roomDisplayName(room);
  // In a DM the room is named after the other person: "Bob" says it all.
  const title = room.meta?.dm_user_id === event.sender || roomName === sender ? sender : `${sender} in ${roomName}`;
  const encrypted = !ctx.hideText && effectiveType(event) === 'm.room.encrypted';
  const icon = event.local_content?.sender_profile?.avatar_url || selectMemberAvatars(room).get(event.sender) || room.meta?.avatar;
  return {
    tag: room.id, eventId: event.event_id, title, body: notificationBody(event, sender, ctx.hideText), silent,
    ...(encrypted ? { pendingDecryption: true as const } : {}),
    ...(icon ? { iconMxc: icon } : {}),
  };
}

/**
 * An invitation, named as the room list names it (an unnamed room after its inviter, as Element does): the name as
 * the title, as a room's name heads its messages' notifications, and who invited in the body.
 */
function forInvite(inv: InvitedRoom, silent: boolean): NotificationSpec {
  const who = inviterName(inv) ?? 'Someone';
  const what = inv.is_direct ? 'wants to chat with you' : isSpaceInvite(inv) ? 'invited you to a space' : 'invited you';
  return { tag: inv.room_id, title: inviteDisplayName(inv), body: `${who} ${what}`, silent };
}

/**
 * A notification on screen that says "Encrypted message", once its event decrypted (`events_decrypted`): the same
 * notification with the text, silent (it made its sound already). Null when this batch does not decrypt it.
 */
export function afterDecryption(shown: NotificationSpec, d: EventsDecrypted, snap: Pick<StoreSnapshot, 'rooms'>,
  ctx: Pick<NotifyContext, 'hideText'>): NotificationSpec | null {
  if (!shown.pendingDecryption || d.room_id !== shown.tag) return null;
  const event = d.events.find((e) => e.event_id === shown.eventId);
  const room = snap.rooms.get(d.room_id);
  if (!event || !room || event.redacted_by || effectiveType(event) === 'm.room.encrypted') return null;
  return forEvent(room, event, true, ctx);
}

export function decideNotifications(sync: SyncComplete, snap: Pick<StoreSnapshot, 'rooms' | 'invitedRooms'> & Partial<Pick<StoreSnapshot, 'accountData'>>,
  memory: NotifyMemory, ctx: NotifyContext): { show: NotificationSpec[]; memory: NotifyMemory } {
  const unread = new Map(sync.clear_state ? [] : memory.unread);
  const show: NotificationSpec[] = [];
  for (const [roomId, diff] of Object.entries(sync.rooms ?? {})) {
    const room = snap.rooms.get(roomId);
    if (!room?.meta) continue;
    const before = unread.get(roomId);
    unread.set(roomId, room.meta.unread_notifications);
    if (sync.clear_state || (roomId === ctx.viewedRoomId && ctx.focused)) continue;
    let spec: NotificationSpec | undefined;
    if (diff.notifications) {
      for (const n of diff.notifications) {
        const event = room.events.get(n.event_rowid);
        if (event && event.sender !== ctx.ownUserId) spec = forEvent(room, event, !n.sound, ctx);
      }
    } else if (before !== undefined && room.meta.unread_notifications > before) {
      const newest = (diff.timeline ?? []).map((t) => room.events.get(t.event_rowid))
        .filter((e): e is Event => !!e && e.sender !== ctx.ownUserId && MESSAGE_TYPES.has(effectiveType(e)) && !e.redacted_by)
        .at(-1);
      if (newest) spec = forEvent(room, newest, false, ctx);
    }
    if (spec) show.push(spec);
  }
  const invites = new Set<string>();
  const alert = inviteAlert(snap.accountData?.['m.push_rules']?.content);
  for (const inv of snap.invitedRooms) {
    invites.add(inv.room_id);
    if (sync.clear_state || memory.invites.has(inv.room_id) || !alert.notify) continue;
    show.push(forInvite(inv, !alert.sound));
  }
  return { show, memory: { unread, invites } };
}

/** Rooms whose notifications should go: nothing left to notify about (read here or on another device). */
export function roomsToWithdraw(open: Iterable<string>, snap: Pick<StoreSnapshot, 'rooms' | 'invitedRooms'>): string[] {
  const out: string[] = [];
  for (const roomId of open) {
    const meta = snap.rooms.get(roomId)?.meta;
    if (meta) {
      if (meta.unread_notifications === 0 && meta.unread_highlights === 0) out.push(roomId);
    } else if (!snap.invitedRooms.some((r) => r.room_id === roomId)) {
      out.push(roomId); // an invite that was accepted elsewhere or rejected
    }
  }
  return out;
}
