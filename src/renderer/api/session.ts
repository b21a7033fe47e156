/**
 * One connection to the backend with its store: wires backend events into the store and offers the few
 * actions the UI performs (so components never assemble command payloads or bookkeeping themselves).
 */
import { errorMessage } from '../../shared/error-message.ts';
import { NOT_SENT, type ClientWellKnown, type Event, type PresenceState } from '../../shared/rpc/types.ts';
import { getBridge } from './bridge.ts';
import { CallManager } from './calls.ts';
import { IpcTransport } from './ipc-transport.ts';
import { RpcClient } from './rpc-client.ts';
import { selectEventById, selectHasFailedSend, selectOwnReactions } from './relations.ts';
import { selectHasOlderHistory, selectLatestReadableEvent } from './selectors.ts';
import { Store } from './store.ts';
import { TypingNotifier } from './typing-notifier.ts';
import { loadVerifications } from './verification-requests.ts';
import { RequestIds, type Transport } from './transport.ts';
import { WebSocketTransport, websocketUrls } from './websocket-transport.ts';

export const HISTORY_PAGE_SIZE = 50;
/** Events asked for around an event opened out of the loaded timeline (split before and after by the server). */
const EVENT_CONTEXT_SIZE = 40;

/** `window.lattice` present → Electron IPC, else the web host's websocket on the page's origin. */
export function createTransport(ids: RequestIds, scope: typeof globalThis = globalThis): Transport {
  const bridge = getBridge(scope);
  if (bridge) return new IpcTransport(bridge);
  return new WebSocketTransport({ ...websocketUrls(scope.location), ids });
}

/** Events around one event, oldest first, and where to page on from each edge (null: the room's start or end). */
export interface EventContext {
  events: Event[];
  before: string | null;
  after: string | null;
}

export class Session {
  readonly store: Store;
  readonly client: RpcClient;
  /** The 1:1 call, if any (calls.ts): listens from the start, so it knows which invites arrived live. */
  readonly calls: CallManager;
  private readonly transport: Transport;
  private unsubscribers: (() => void)[] = [];
  private readonly stateRequests = new Map<string, Promise<void>>();
  private readonly historyRequests = new Map<string, Promise<void>>();
  /** Last event we sent a receipt for, per room, so re-renders don't resend it. */
  private readonly markedRead = new Map<string, string>();
  /** Last event at which we cleared the room's m.marked_unread flag, per room, likewise. */
  private readonly unmarked = new Map<string, string>();
  /** Typing notices are best effort: a failed one is not worth an error on screen, the next keystroke retries. */
  private readonly typing = new TypingNotifier((roomId, timeout) => {
    this.client.request('set_typing', { room_id: roomId, timeout }).catch(() => undefined);
  });

  constructor(transport: Transport, ids: RequestIds = new RequestIds(), store: Store = new Store()) {
    this.transport = transport;
    this.client = new RpcClient(transport, ids);
    this.store = store;
    this.calls = new CallManager(this.client, store);
  }

  start(): void {
    if (this.unsubscribers.length) return;
    const { client, store } = this;
    this.unsubscribers = [
      client.onStatus((status) => {
        if (status.state !== 'open') {
          // A new connection starts over with clear_state; requests of the old one are gone.
          this.stateRequests.clear();
          this.historyRequests.clear();
          this.markedRead.clear();
          this.unmarked.clear();
        }
        store.setConnection(status);
      }),
      client.on('run_id', (d) => store.applyRunId(d.run_id)),
      client.on('client_state', (d) => store.applyClientState(d)),
      client.on('sync_complete', (d) => store.applySyncComplete(d)),
      client.on('sync_status', (d) => store.applySyncStatus(d)),
      client.on('typing', (d) => store.applyTyping(d)),
      client.on('send_complete', (d) => store.applySendComplete(d)),
      client.on('events_decrypted', (d) => store.applyEventsDecrypted(d)),
      client.on('init_complete', () => {
        store.applyInitComplete();
        // Requests that arrived before this connection (or while it was down) still want an answer.
        loadVerifications(this).catch((err: unknown) => console.warn('lattice: get_verifications failed', err));
      }),
      client.on('verification_update', (d) => store.applyVerification(d)),
      client.on('presence', (d) => store.applyPresence(d.users)),
      this.calls.start(),
    ];
    client.start();
    store.setConnection(client.status);
  }

  stop(): void {
    for (const un of this.unsubscribers) un();
    this.unsubscribers = [];
    this.client.stop();
  }

  /** For a "Retry now" button while the websocket waits out its backoff. */
  reconnectNow(): void {
    if (this.transport instanceof WebSocketTransport) this.transport.reconnectNow();
  }

  /** Current state with members, for display names. Once per room per connection. */
  loadRoomState(roomId: string): Promise<void> {
    const running = this.stateRequests.get(roomId);
    if (running) return running;
    const room = this.store.getSnapshot().rooms.get(roomId);
    const p = this.client
      .request('get_room_state', {
        room_id: roomId,
        include_members: true,
        // gomuks: set when the room has no member list yet, so the backend fetches it.
        ...(room?.meta && !room.meta.has_member_list ? { fetch_members: true } : {}),
      })
      .then((events) => this.store.applyRoomState(roomId, events))
      .catch((err: unknown) => {
        this.stateRequests.delete(roomId); // let a later open retry
        console.warn(`lattice: get_room_state ${roomId} failed`, err);
      });
    this.stateRequests.set(roomId, p);
    return p;
  }

  /** Older events, prepended. Does nothing while a page is loading or once history is exhausted. */
  loadHistory(roomId: string, limit = HISTORY_PAGE_SIZE): Promise<void> {
    const running = this.historyRequests.get(roomId);
    if (running) return running;
    const room = this.store.getSnapshot().rooms.get(roomId);
    if (!room || !selectHasOlderHistory(room)) return Promise.resolve();
    const oldest = room.timeline[0]?.timeline_rowid;
    this.store.setHistoryLoading(roomId);
    const p = this.client
      .request('paginate', { room_id: roomId, limit, ...(oldest !== undefined ? { max_timeline_id: oldest } : {}) })
      .then(
        (resp) => {
          // Forget the request before the store update: the render it causes may ask for the next page at once.
          this.historyRequests.delete(roomId);
          this.store.applyPagination(roomId, resp);
        },
        (err: unknown) => {
          this.historyRequests.delete(roomId);
          this.store.setHistoryError(roomId, errorMessage(err));
        },
      );
    this.historyRequests.set(roomId, p);
    return p;
  }

  /**
   * Loads older pages until the event is in the room's timeline (to jump to a reply's target), at most `maxPages`.
   * Resolves whether it is there.
   */
  async loadHistoryUntil(roomId: string, eventId: string, maxPages = 20): Promise<boolean> {
    const placed = (): boolean => {
      const e = selectEventById(this.store.getSnapshot().rooms.get(roomId), eventId);
      return e !== undefined && e.timeline_rowid !== 0;
    };
    for (let page = 0; !placed() && page < maxPages; page++) {
      const room = this.store.getSnapshot().rooms.get(roomId);
      if (!selectHasOlderHistory(room) || room?.history.error) break;
      await this.loadHistory(roomId);
    }
    return placed();
  }

  /**
   * The events around one event, oldest first, from the homeserver (/context): to show an event the timeline has
   * not loaded and is too far back to page to, with the tokens to page on from either edge (null: nothing more
   * that way). Null when the server has no such event in the room.
   */
  async eventContext(roomId: string, eventId: string, limit = EVENT_CONTEXT_SIZE): Promise<EventContext | null> {
    const resp = await this.client.request('get_event_context', { room_id: roomId, event_id: eventId, limit });
    if (!resp.event) return null;
    // `before` comes newest first.
    return { events: [...resp.before.toReversed(), resp.event, ...resp.after], before: resp.start || null, after: resp.end || null };
  }

  /** A page of older (`b`) or newer (`f`) events next to an event context, oldest first, and the next token. */
  async contextPage(roomId: string, token: string, direction: 'b' | 'f'): Promise<{ events: Event[]; next: string | null }> {
    const resp = await this.client.request('paginate_manual', { room_id: roomId, since: token, direction, limit: HISTORY_PAGE_SIZE });
    // Backwards pages come newest first, as the server sends them.
    return { events: direction === 'b' ? resp.events.toReversed() : resp.events, next: resp.next_batch ?? null };
  }

  /** Sets our presence (from the window's idle state, see idle-presence.ts); best effort, like typing. */
  setPresence(presence: PresenceState): void {
    this.client.request('set_presence', { presence }).catch(() => undefined);
  }

  /** The composer's text in a room changed: typing notifications follow it (see typing-notifier.ts). */
  composing(roomId: string, text: string): void {
    this.typing.input(roomId, text);
  }

  /** The composer left the room or sent its text. */
  stoppedComposing(roomId: string): void {
    this.typing.stop(roomId);
  }

  /** Resolves once the backend accepted the message (its local echo is in the store); rejects with its error. */
  async sendMessage(roomId: string, text: string, replyTo?: string): Promise<void> {
    const echo = await this.client.request('send_message', {
      room_id: roomId, text, ...(replyTo ? { relates_to: { 'm.in_reply_to': { event_id: replyTo } } } : {}),
    });
    this.store.addLocalEcho(echo);
  }

  /**
   * Toggles our reaction `key` on an event: adds an m.reaction annotation, or redacts the one we already sent
   * (taking a reaction back is redacting it, as the spec says). A custom emoji's key is its mxc:// URL and its
   * `:shortcode:` goes along, under both names clients read it by (Element's `shortcode`, Beeper's and gomuks'
   * `com.beeper.reaction.shortcode`), for those that show reactions as text.
   */
  async react(roomId: string, eventId: string, key: string, shortcode?: string): Promise<void> {
    const room = this.store.getSnapshot().rooms.get(roomId);
    const own = selectOwnReactions(room, this.store.getSnapshot().clientState?.user_id, eventId).get(key);
    if (own) {
      if (own.event_id.startsWith('~')) {
        throw new Error(selectHasFailedSend(room)
          ? 'Your reaction waits behind a message that failed to send: retry or discard that message first'
          : 'The reaction is still being sent; try again in a moment');
      }
      await this.client.request('redact_event', { room_id: roomId, event_id: own.event_id });
      return;
    }
    const echo = await this.client.request('send_event', {
      room_id: roomId, type: 'm.reaction', content: {
        'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key },
        ...(shortcode ? { shortcode, 'com.beeper.reaction.shortcode': shortcode } : {}),
      },
    });
    // The target, with our reaction counted, came in a sync diff before this answer.
    this.store.addLocalEcho(echo);
  }

  /** Queues a failed message again, in its place; it shows as pending until its send_complete. */
  async resendEvent(transactionId: string): Promise<void> {
    const echo = await this.client.request('resend_event', { transaction_id: transactionId });
    // The answer comes before the send_complete it leads to (one ordered channel), so this cannot undo it.
    this.store.applySendComplete({ event: echo, error: NOT_SENT });
  }

  /** Drops a failed message; the backend's send_complete (discarded) removes it from every frontend. */
  async discardEvent(transactionId: string): Promise<void> {
    await this.client.request('discard_event', { transaction_id: transactionId });
  }

  /**
   * Sends a read receipt for the newest event if the room has unread messages and we have not already, and clears
   * the room's "marked unread" flag (m.marked_unread), which reading the room answers.
   */
  async markRead(roomId: string): Promise<void> {
    const room = this.store.getSnapshot().rooms.get(roomId);
    const latest = selectLatestReadableEvent(room);
    // Until the sync brings the cleared flag back, the room's meta still says marked: clear it once per event.
    const unmark = room?.meta?.marked_unread === true && this.unmarked.get(roomId) !== latest?.event_id;
    if (!room || !latest || (this.markedRead.get(roomId) === latest.event_id && !unmark)) return;
    this.markedRead.set(roomId, latest.event_id);
    try {
      await this.client.request('mark_read', { room_id: roomId, event_id: latest.event_id, receipt_type: 'm.read' });
      if (unmark) {
        this.unmarked.set(roomId, latest.event_id);
        await this.client.request('set_account_data', { room_id: roomId, type: 'm.marked_unread', content: { unread: false } });
      }
      this.store.markReadLocally(roomId);
    } catch (err) {
      if (this.markedRead.get(roomId) === latest.event_id) this.markedRead.delete(roomId);
      console.warn(`lattice: mark_read ${roomId} failed`, err);
    }
  }

  /** The room was marked unread on purpose: reading it again must send its receipt and clear the flag again. */
  forgetReadPosition(roomId: string): void {
    this.markedRead.delete(roomId);
    this.unmarked.delete(roomId);
  }

  discoverHomeserver(userId: string): Promise<ClientWellKnown> {
    return this.client.request('discover_homeserver', { user_id: userId });
  }

  login(homeserverUrl: string, username: string, password: string): Promise<boolean> {
    return this.client.request('login', { homeserver_url: homeserverUrl, username, password });
  }

  logout(): Promise<boolean> {
    return this.client.request('logout', {});
  }
}
