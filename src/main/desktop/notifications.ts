/**
 * OS notifications for messages. The decisions (whether to show one, what it says, how a room's notifications
 * are grouped) are pure functions; `NotificationCenter` is the thin part that drives Electron's `Notification`.
 *
 * Grouping: one notification per room on screen. A new message in a room replaces that room's notification
 * with one that says how many are waiting, so a busy room never floods the notification list. Reading the room
 * (here or on another device) withdraws it.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { MessageKind, PendingNotification } from './unread-tracker.ts';

export interface NotifyContext {
  /** The user's "notifications" setting. */
  enabled: boolean;
  /** The room the window shows, as the renderer last reported it. */
  viewedRoomId: string | null;
  /** The window is focused (and so visible): the user sees new messages in the viewed room as they arrive. */
  windowFocused: boolean;
}

/** No notification for the room the user is looking at in a focused window; every other one is shown. */
export function shouldNotify(n: Pick<PendingNotification, 'room_id'>, ctx: NotifyContext): boolean {
  if (!ctx.enabled) return false;
  return !(ctx.windowFocused && ctx.viewedRoomId === n.room_id);
}

export const ENCRYPTED_TEXT = 'Encrypted message';

function describeKind(kind: MessageKind, text: string | undefined): string {
  switch (kind) {
    case 'text': return text ?? 'Message';
    case 'emote': return text ?? 'Message';
    case 'encrypted': return ENCRYPTED_TEXT;
    case 'image': return 'sent an image';
    case 'video': return 'sent a video';
    case 'audio': return 'sent an audio message';
    case 'file': return 'sent a file';
    case 'sticker': return 'sent a sticker';
    case 'invite': return 'invited you';
    case 'other': return 'New activity';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

const MAX_BODY = 300;

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_BODY ? `${one.slice(0, MAX_BODY - 1)}…` : one;
}

export interface NotificationContent {
  title: string;
  body: string;
  /** No sound: the push rule that matched has no `sound` tweak. */
  silent: boolean;
  urgency: 'normal' | 'critical';
  room_id: string;
  /** The event to open the room at; none for an invite. */
  event_id?: string;
  /** Servers to join through (invites: the inviter's). */
  via: string[];
}

/**
 * What the notification says. In a group room: title "Room", body "Sender: text"; in a direct chat: title
 * "Sender". `count` (>1) tells how many notifications are waiting in that room. With `hideText`, the body only
 * says that someone wrote, never what.
 */
export function composeNotification(n: PendingNotification, count: number, opts: { hideText: boolean }): NotificationContent {
  const withText = !opts.hideText;
  let what: string;
  if (!withText) what = n.kind === 'invite' ? 'invited you' : 'sent a message';
  else if (n.kind === 'emote') what = `* ${n.sender_name} ${n.text ?? ''}`.trim();
  else what = describeKind(n.kind, n.text);
  const isSentence = !withText || (n.kind !== 'text' && n.kind !== 'encrypted' && n.kind !== 'emote');
  let body: string;
  if (n.kind === 'emote' && withText) body = what;
  else if (n.is_dm) body = isSentence ? `${n.sender_name} ${what}` : what;
  else body = isSentence ? `${n.sender_name} ${what}` : `${n.sender_name}: ${what}`;
  body = clip(body);
  if (count > 1) body = `${body}\n(${count} new messages)`;
  return {
    title: clip(n.is_dm ? n.sender_name : n.room_name),
    body,
    silent: !n.sound,
    urgency: n.highlight ? 'critical' : 'normal',
    room_id: n.room_id,
    ...(n.event_id ? { event_id: n.event_id } : {}),
    via: n.via ?? [],
  };
}

/** Electron's options for one notification. `groupId`/`id` let macOS and Windows group and replace by room. */
export function notificationOptions(c: NotificationContent, icon?: NotificationConstructorOptions['icon']): NotificationConstructorOptions {
  return {
    title: c.title,
    body: c.body,
    silent: c.silent,
    urgency: c.urgency,
    groupId: c.room_id,
    id: `${c.room_id}|${c.event_id ?? 'invite'}`,
    ...(icon ? { icon } : {}),
  };
}

/** The part of an Electron Notification the center uses. */
export interface ShownNotification {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  show(): void;
  close(): void;
}
export type NotificationFactory = (opts: NotificationConstructorOptions) => ShownNotification;

export interface NotificationCenterDeps {
  create: NotificationFactory;
  /** Clicked: bring the window up and open the room (at the event, if there is one). */
  onClick(target: { room_id: string; event_id?: string; via: string[] }): void;
  context(): NotifyContext;
  hideText(): boolean;
  /** An icon for the notification (the sender's avatar), if one can be had; never delays it by much. */
  icon?(n: PendingNotification): Promise<NotificationConstructorOptions['icon'] | undefined>;
  log?(m: string): void;
}

type Icon = NotificationConstructorOptions['icon'];

interface RoomGroup {
  current: ShownNotification | null;
  count: number;
  /** Bumped by every notification for the room: of several waiting for an icon, only the newest is shown. */
  seq: number;
  /** What the room's notification says: its newest message. */
  content: NotificationContent | null;
  /** The newest message's event while it is still encrypted: its decryption updates the notification. */
  encryptedEventId: string | null;
  highlight: boolean;
  icon?: Icon;
}

export class NotificationCenter {
  private readonly deps: NotificationCenterDeps;
  private readonly groups = new Map<string, RoomGroup>();
  /** Bumped when a room is read, so an icon that arrives afterwards does not show a stale notification. */
  private readonly epoch = new Map<string, number>();

  constructor(deps: NotificationCenterDeps) {
    this.deps = deps;
  }

  /** Shows (or folds into the room's group) each notification that should be shown. */
  notify(list: readonly PendingNotification[]): void {
    for (const n of list) {
      if (!shouldNotify(n, this.deps.context())) continue;
      const group: RoomGroup = this.groups.get(n.room_id) ?? { current: null, count: 0, seq: 0, content: null, encryptedEventId: null, highlight: false };
      this.groups.set(n.room_id, group);
      group.count++;
      const seq = ++group.seq;
      group.content = composeNotification(n, group.count, { hideText: this.deps.hideText() });
      group.encryptedEventId = n.kind === 'encrypted' ? n.event_id ?? null : null;
      group.highlight = n.highlight;
      const epoch = this.epoch.get(n.room_id) ?? 0;
      const show = (icon?: Icon): void => {
        if ((this.epoch.get(n.room_id) ?? 0) !== epoch || this.groups.get(n.room_id) !== group || group.seq !== seq) return;
        group.icon = icon;
        this.present(group);
      };
      if (!this.deps.icon) {
        show();
        continue;
      }
      this.deps.icon(n).then(show, (e: unknown) => {
        this.deps.log?.(`notification icon failed: ${e instanceof Error ? e.message : String(e)}`);
        show();
      });
    }
  }

  /**
   * Messages that decrypted after they were announced as "Encrypted message": a room whose notification is about
   * one of them gets it with the text instead, silently (it already made its sound). A notification the user
   * dismissed stays dismissed; one still waiting for its icon comes up with the text.
   */
  decrypted(list: readonly PendingNotification[]): void {
    for (const n of list) {
      const group = this.groups.get(n.room_id);
      if (!group?.content || !n.event_id || group.encryptedEventId !== n.event_id || n.kind === 'encrypted') continue;
      group.encryptedEventId = null;
      const content = composeNotification({ ...n, highlight: group.highlight }, group.count, { hideText: this.deps.hideText() });
      group.content = { ...content, silent: group.current ? true : group.content.silent };
      if (group.current) this.present(group);
    }
  }

  /** Puts the group's content on screen, replacing the room's notification there. */
  private present(group: RoomGroup): void {
    const content = group.content;
    if (!content) return;
    const shown = this.deps.create(notificationOptions(content, group.icon));
    shown.on('click', () => {
      this.withdraw(content.room_id);
      this.deps.onClick({ room_id: content.room_id, ...(content.event_id ? { event_id: content.event_id } : {}), via: content.via });
    });
    shown.on('close', () => {
      if (group.current === shown) group.current = null;
    });
    const previous = group.current;
    group.current = shown;
    previous?.close();
    shown.show();
  }

  /** The room was read: its notification goes away and the count starts over. */
  withdraw(roomId: string): void {
    this.epoch.set(roomId, (this.epoch.get(roomId) ?? 0) + 1);
    const group = this.groups.get(roomId);
    if (!group) return;
    this.groups.delete(roomId);
    const shown = group.current;
    group.current = null;
    shown?.close();
  }

  withdrawAll(): void {
    for (const roomId of [...this.groups.keys()]) this.withdraw(roomId);
  }

  /** Rooms with a notification on screen (for tests and debug info). */
  openRooms(): string[] {
    return [...this.groups.entries()].filter(([, g]) => g.current).map(([id]) => id);
  }
}
