/**
 * The web host's notifications: runs each sync_complete through notification-decisions.ts and shows the result
 * with the browser's Notification API (one per room, replaced by tag), closes a room's notifications once it has
 * nothing unread, and opens the room at the notified event when one is clicked. The desktop app does not use this: its shell notifies
 * natively (see WebNotifications.tsx).
 */
import type { Session } from '../api/session.ts';
import {
  afterDecryption, decideNotifications, memoryFromSnapshot, roomsToWithdraw, type NotificationSpec, type NotifyMemory,
} from './notification-decisions.ts';

/** The part of the browser's `Notification` this uses, so tests can hand in a stand-in. */
export interface NotificationLike {
  addEventListener(type: 'click' | 'close', listener: () => void): void;
  close(): void;
}
export type NotificationCtor = {
  readonly permission: NotificationPermission;
  new (title: string, options: NotificationOptions): NotificationLike;
};

export interface NotifierEnv {
  Notification: NotificationCtor;
  /** The room shown now, or null. */
  viewedRoom(): string | null;
  focused(): boolean;
  hideText(): boolean;
  /** Brings the window forward and shows the room, at the event when there is one. */
  openRoom(roomId: string, eventId?: string): void;
  /** The URL the browser loads a notification's avatar from (this host's media route); none: no avatars. */
  iconUrl?(mxc: string): string | undefined;
  /** The icon of a notification without an avatar. */
  icon?: string;
}

const HIDE_TEXT_KEY = 'lattice.notifications.hide-text';

/** The "hide message text" setting, kept per browser. */
export function hideTextSetting(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(HIDE_TEXT_KEY) === '1';
  } catch {
    return false; // storage refused (privacy mode): show text, the default
  }
}

export function setHideTextSetting(hide: boolean, storage: Pick<Storage, 'setItem'> = globalThis.localStorage): void {
  storage.setItem(HIDE_TEXT_KEY, hide ? '1' : '0');
}

export class WebNotifier {
  private memory: NotifyMemory;
  /** The notification on screen per room (tag), with what it says. */
  private readonly open = new Map<string, { shown: NotificationLike; spec: NotificationSpec }>();
  private offs: (() => void)[] = [];

  private readonly session: Session;
  private readonly env: NotifierEnv;

  constructor(session: Session, env: NotifierEnv) {
    this.session = session;
    this.env = env;
    this.memory = memoryFromSnapshot(session.store.getSnapshot());
  }

  start(): void {
    if (this.offs.length) return;
    const { client, store } = this.session;
    this.offs = [
      // Registered after the session's own handler, so the store already holds this diff.
      client.on('sync_complete', (sync) => {
        const snap = store.getSnapshot();
        const result = decideNotifications(sync, snap, this.memory, {
          ownUserId: snap.clientState?.user_id ?? null,
          viewedRoomId: this.env.viewedRoom(),
          focused: this.env.focused(),
          hideText: this.env.hideText(),
        });
        this.memory = result.memory;
        if (this.env.Notification.permission !== 'granted') return;
        for (const spec of result.show) this.present(spec);
      }),
      // A message announced as "Encrypted message" whose key came later: its notification gets the text.
      client.on('events_decrypted', (d) => {
        const open = this.open.get(d.room_id);
        const spec = open && afterDecryption(open.spec, d, store.getSnapshot(), { hideText: this.env.hideText() });
        if (spec && this.env.Notification.permission === 'granted') this.present(spec);
      }),
      store.subscribe(() => this.withdrawRead()),
    ];
  }

  /** Shows a room's notification in place of the one it had (same tag, so the browser replaces it too). */
  private present(spec: NotificationSpec): void {
    this.open.get(spec.tag)?.shown.close();
    const icon = (spec.iconMxc && this.env.iconUrl?.(spec.iconMxc)) || this.env.icon;
    const n = new this.env.Notification(spec.title, { body: spec.body, tag: spec.tag, silent: spec.silent, ...(icon ? { icon } : {}) });
    // Clicked or dismissed, it is gone: a later decryption must not bring it back.
    const forget = (): void => {
      if (this.open.get(spec.tag)?.shown === n) this.open.delete(spec.tag);
    };
    n.addEventListener('click', () => {
      forget();
      this.env.openRoom(spec.tag, spec.eventId);
      n.close();
    });
    n.addEventListener('close', forget);
    this.open.set(spec.tag, { shown: n, spec });
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
    for (const { shown } of this.open.values()) shown.close();
    this.open.clear();
  }

  /** Closes the notifications of rooms that were read (here, by mark_read, or on another device). */
  withdraw(roomId: string): void {
    this.open.get(roomId)?.shown.close();
    this.open.delete(roomId);
  }

  private withdrawRead(): void {
    if (this.open.size === 0) return;
    for (const roomId of roomsToWithdraw(this.open.keys(), this.session.store.getSnapshot())) this.withdraw(roomId);
  }
}
