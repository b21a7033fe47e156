/**
 * Everything that asks for the user's attention from outside the window: the tray icon and menu, the dock or
 * taskbar badge, and OS notifications. Fed by the shell's own backend connection through UnreadTracker; acts only
 * through the small interface below, so the wiring is tested with fakes.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import { NotificationCenter, type NotificationFactory, type NotifyContext } from './notifications.ts';
import { TrayController, type TrayAction, type TrayDeps } from './tray.ts';
import { UnreadTracker, type PendingNotification, type UnreadSummary } from './unread-tracker.ts';

export interface AttentionDeps {
  /** Null when there is no tray on this desktop. */
  tray: Omit<TrayDeps, 'run'> | null;
  runTrayAction(action: TrayAction): void;
  createNotification: NotificationFactory;
  notificationIcon?(n: PendingNotification): Promise<NotificationConstructorOptions['icon'] | undefined>;
  onNotificationClick(roomId: string, eventId: string): void;
  notifyContext(): NotifyContext;
  hideText(): boolean;
  setBadgeCount(count: number): void;
  /** Flashes the taskbar entry (Windows, Linux) when something notifies while the window is not focused. */
  requestAttention(): void;
  windowVisible(): boolean;
  log(m: string): void;
}

export class Attention {
  readonly tracker = new UnreadTracker();
  private readonly deps: AttentionDeps;
  private readonly tray: TrayController | null;
  readonly notifications: NotificationCenter;

  constructor(deps: AttentionDeps) {
    this.deps = deps;
    this.tray = deps.tray ? new TrayController({ ...deps.tray, run: (a) => deps.runTrayAction(a) }) : null;
    this.notifications = new NotificationCenter({
      create: deps.createNotification,
      onClick: (roomId, eventId) => deps.onNotificationClick(roomId, eventId),
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
    if (update.notifications.length) {
      this.notifications.notify(update.notifications);
      if (!this.deps.notifyContext().windowFocused && this.deps.notifyContext().enabled) this.deps.requestAttention();
    }
    if (update.summaryChanged) this.render();
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
