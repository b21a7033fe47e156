/**
 * Everything that asks for the user's attention from outside the window: the tray icon and menu, the dock or
 * taskbar badge, and OS notifications. Fed by the shell's own backend connection through UnreadTracker; acts only
 * through the small interface below, so the wiring is tested with fakes.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { Event } from '../../shared/rpc/types.ts';
import { NotificationCenter, type NotificationFactory, type NotifyContext } from './notifications.ts';
import { TrayController, type TrayAction, type TrayDeps } from './tray.ts';
import { UnreadTracker, type PendingNotification, type UnreadSummary } from './unread-tracker.ts';

export interface AttentionDeps {
  /** Null when there is no tray on this desktop. */
  tray: Omit<TrayDeps, 'run'> | null;
  runTrayAction: (action: TrayAction) => void;
  createNotification: NotificationFactory;
  notificationIcon?: (n: PendingNotification) => Promise<NotificationConstructorOptions['icon'] | undefined>;
  onNotificationClick: (target: { room_id: string; event_id?: string; via: string[] }) => void;
  notifyContext: () => NotifyContext;
  hideText: () => boolean;
  setBadgeCount: (count: number) => void;
  /** Flashes the taskbar entry (Windows, Linux) when something notifies while the window is not focused. */
  requestAttention: () => void;
  windowVisible: () => boolean;
  /**
   * A room's member events from the backend (get_room_state on the shell's own connection), for senders the
   * sync did not name. Rejects or never settles on failure; the notification then goes out with the user ID's
   * localpart after a short wait.
   */
  lookupMembers?: (roomId: string) => Promise<readonly Event[]>;
  log: (m: string) => void;
}

/** How long a notification may wait for its sender's name. */
const NAME_WAIT_MS = 1500;

export class Attention {
  readonly tracker = new UnreadTracker();
  private readonly deps: AttentionDeps;
  private readonly tray: TrayController | null;
  readonly notifications: NotificationCenter;
  /** Rooms whose members were asked for once already (asking again would not give more). */
  private readonly membersAsked = new Map<string, Promise<void>>();

  constructor(deps: AttentionDeps) {
    this.deps = deps;
    this.tray = deps.tray ? new TrayController({ ...deps.tray, run: (a) => deps.runTrayAction(a) }) : null;
    this.notifications = new NotificationCenter({
      create: deps.createNotification,
      onClick: (target) => deps.onNotificationClick(target),
      context: () => deps.notifyContext(),
      hideText: () => deps.hideText(),
      ...(deps.notificationIcon ? { icon: deps.notificationIcon } : {}),
      log: deps.log,
    });
  }

  /** The sink of the shell's own backend connection. */
  receive(env: Envelope): void {
    const update = this.tracker.apply(env);
    if (!update) return;
    for (const roomId of update.readRooms) this.notifications.withdraw(roomId);
    if (update.notifications.length) this.announce(update.notifications);
    if (update.decrypted?.length) this.notifications.decrypted(update.decrypted);
    if (update.summaryChanged) this.render();
  }

  /**
   * Shows notifications, first filling in sender names the sync did not carry (the member list of a room is
   * asked for once). A room read while waiting gets nothing.
   */
  private announce(list: readonly PendingNotification[]): void {
    const ready = list.filter((n) => n.sender_known || !this.deps.lookupMembers);
    const waiting = list.filter((n) => !ready.includes(n));
    this.show(ready);
    const byRoom = new Map<string, PendingNotification[]>();
    for (const n of waiting) byRoom.set(n.room_id, [...(byRoom.get(n.room_id) ?? []), n]);
    for (const [roomId, ns] of byRoom) {
      void this.members(roomId).then(() => {
        if (this.tracker.isUnread(roomId)) this.show(ns.map((n) => this.tracker.refreshNames(n)));
      });
    }
  }

  private members(roomId: string): Promise<void> {
    let p = this.membersAsked.get(roomId);
    if (!p) {
      const lookup = this.deps.lookupMembers!(roomId).then(
        (events) => this.tracker.addMembers(roomId, events),
        (e: unknown) => this.deps.log(`could not get the members of ${roomId}: ${e instanceof Error ? e.message : String(e)}`),
      );
      const timeout = new Promise<void>((r) => setTimeout(r, NAME_WAIT_MS).unref());
      p = Promise.race([lookup, timeout]);
      this.membersAsked.set(roomId, p);
    }
    return p;
  }

  private show(list: readonly PendingNotification[]): void {
    if (!list.length) return;
    this.notifications.notify(list);
    const ctx = this.deps.notifyContext();
    if (!ctx.windowFocused && ctx.enabled) this.deps.requestAttention();
  }

  /** Redraws tray and badge (also after the window was shown or hidden, which changes the tray menu). */
  render(): void {
    const s: UnreadSummary = this.tracker.summary();
    this.tray?.render(s, this.deps.windowVisible());
    this.deps.setBadgeCount(s.badgeCount);
  }

  destroy(): void {
    this.notifications.withdrawAll();
    this.tray?.destroy();
  }
}
