/**
 * The IPC between the app's pages and the shell (channels.ts): which sender counts as the app, and what each
 * message from a page does. Only the app's own top-level page in one of the shell's windows is heard: not an
 * iframe, not a page that somehow navigated elsewhere, not another webContents.
 */
import type { IpcMain, IpcMainEvent } from 'electron';
import type { Attention } from './attention.ts';
import type { ShellNotificationState } from '../../shared/shell-notifications.ts';
import {
  NAVIGATE_READY_CHANNEL, NOTIFY_STATE_ASK_CHANNEL, NOTIFY_STATE_CHANNEL, OPEN_CHANNEL, RPC_CHANNEL, SCREEN_CHOICE_CHANNEL, VIEW_CHANNEL,
  parseViewMessage,
} from './channels.ts';
import type { ScreenPicker } from './display-media.ts';
import type { PageRelay } from './page-relay.ts';
import { isAppUrl } from './security.ts';
import type { ShellState } from './state.ts';
import type { Logger } from './window.ts';

export interface PageIpcDeps {
  /** Each window's relay to the backend, by its webContents id: the pages that may talk at all. */
  relays: ReadonlyMap<number, PageRelay>;
  state: ShellState;
  attention: () => Attention | null;
  /** Sends the links waiting for pages that now listen. */
  flushLinks(): void;
  /** The screen picker, once the session serves getDisplayMedia. */
  screenPicker: () => ScreenPicker | null;
  /** The shell's notifications as the page's Settings show them. */
  notificationState: () => ShellNotificationState;
  log: Logger;
}

export function listenToPages(ipcMain: Pick<IpcMain, 'on'>, deps: PageIpcDeps): void {
  const { relays, state, log } = deps;

  function fromApp(event: IpcMainEvent): boolean {
    const frame = event.senderFrame;
    return !!frame && frame.parent === null && isAppUrl(frame.url) && relays.has(event.sender.id);
  }

  ipcMain.on(RPC_CHANNEL, (event: IpcMainEvent, raw: unknown) => {
    if (fromApp(event)) relays.get(event.sender.id)!.receive(raw);
    else log('ignored an IPC message from a frame that is not the app');
  });

  ipcMain.on(OPEN_CHANNEL, (event: IpcMainEvent) => {
    if (fromApp(event)) relays.get(event.sender.id)!.open();
  });

  ipcMain.on(NAVIGATE_READY_CHANNEL, (event: IpcMainEvent) => {
    if (!fromApp(event)) return;
    state.navigateReady.add(event.sender.id);
    deps.flushLinks();
  });

  ipcMain.on(VIEW_CHANNEL, (event: IpcMainEvent, raw: unknown) => {
    if (!fromApp(event)) return;
    const msg = parseViewMessage(raw);
    if (!msg) return;
    state.viewedRoomId = msg.room_id;
    // Looking at a room is reading it as far as notifications go; the backend's read receipt confirms it later.
    if (msg.room_id && state.win?.isFocused()) deps.attention()?.notifications.withdraw(msg.room_id);
  });

  ipcMain.on(NOTIFY_STATE_ASK_CHANNEL, (event: IpcMainEvent) => {
    if (fromApp(event)) event.sender.send(NOTIFY_STATE_CHANNEL, deps.notificationState());
  });

  ipcMain.on(SCREEN_CHOICE_CHANNEL, (event: IpcMainEvent, raw: unknown) => {
    if (fromApp(event)) deps.screenPicker()?.choose(event.sender.id, raw);
    else log('ignored a screen choice from a frame that is not the app');
  });
}
