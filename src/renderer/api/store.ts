/**
 * The renderer's store: holds the current snapshot (see snapshot.ts), runs each backend event or command result
 * through its reducer (reducers.ts) and tells subscribers when the snapshot changed. Components read it through
 * `useSyncExternalStore` with the memoized selectors of selectors.ts.
 */
import type {
  ClientState, Event, EventsDecrypted, PaginationResponse, SendComplete, SyncComplete, SyncStatus, Typing, UserPresence,
} from '../../shared/rpc/types.ts';
import {
  reduceClientState, reduceConnection, reduceEventsDecrypted, reduceHistoryError, reduceHistoryLoading,
  reduceInitComplete, reduceLocalEcho, reduceMarkReadLocally, reducePagination, reduceRoomState, reduceRunId,
  reduceSendComplete, reduceSyncComplete, reduceSyncStatus, reduceTyping,
} from './reducers.ts';
import type { VerificationFlow } from '../../shared/rpc/commands/verification.ts';
import { reducePresence } from './presence.ts';
import { initialSnapshot, type StoreSnapshot } from './snapshot.ts';
import { reduceVerificationList, reduceVerificationUpdate } from './verifications.ts';
import type { TransportStatus } from './transport.ts';

export class Store {
  private snap: StoreSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(initial: StoreSnapshot = initialSnapshot()) {
    this.snap = initial;
  }

  // Arrow properties so React can take them unbound.
  readonly getSnapshot = (): StoreSnapshot => this.snap;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  setConnection(connection: TransportStatus): void {
    this.commit(reduceConnection(this.snap, connection));
  }

  applyClientState(clientState: ClientState): void {
    this.commit(reduceClientState(this.snap, clientState));
  }

  applySyncStatus(syncStatus: SyncStatus): void {
    this.commit(reduceSyncStatus(this.snap, syncStatus));
  }

  applyRunId(runId: string): void {
    this.commit(reduceRunId(this.snap, runId));
  }

  applyInitComplete(): void {
    this.commit(reduceInitComplete(this.snap));
  }

  applySyncComplete(sync: SyncComplete): void {
    this.commit(reduceSyncComplete(this.snap, sync));
  }

  /** The event `send_message`/`send_event` answered with: a local echo until the sync places it. */
  addLocalEcho(event: Event): void {
    this.commit(reduceLocalEcho(this.snap, event));
  }

  applySendComplete(complete: SendComplete): void {
    this.commit(reduceSendComplete(this.snap, complete));
  }

  applyEventsDecrypted(decrypted: EventsDecrypted): void {
    this.commit(reduceEventsDecrypted(this.snap, decrypted));
  }

  applyTyping(typing: Typing): void {
    this.commit(reduceTyping(this.snap, typing));
  }

  setHistoryLoading(roomId: string): void {
    this.commit(reduceHistoryLoading(this.snap, roomId));
  }

  setHistoryError(roomId: string, error: string): void {
    this.commit(reduceHistoryError(this.snap, roomId, error));
  }

  /** A `paginate` answer: older events, newest first. */
  applyPagination(roomId: string, resp: PaginationResponse): void {
    this.commit(reducePagination(this.snap, roomId, resp));
  }

  /** A `get_room_state` answer. */
  applyRoomState(roomId: string, stateEvents: readonly Event[]): void {
    this.commit(reduceRoomState(this.snap, roomId, stateEvents));
  }

  /** A `get_specific_room_state` answer: chosen state events of any rooms, merged into what each room holds. */
  applySpecificState(events: readonly Event[]): void {
    const byRoom = new Map<string, Event[]>();
    for (const e of events) byRoom.set(e.room_id, [...(byRoom.get(e.room_id) ?? []), e]);
    let snap = this.snap;
    for (const [roomId, roomEvents] of byRoom) snap = reduceRoomState(snap, roomId, roomEvents, false);
    this.commit(snap);
  }

  /** After a successful mark_read, so the badge clears before the backend's next room meta arrives. */
  markReadLocally(roomId: string): void {
    this.commit(reduceMarkReadLocally(this.snap, roomId));
  }

  /** A `verification_update` event, or a verification command's answer (the flow as it is after it). */
  applyVerification(flow: VerificationFlow): void {
    this.commit(reduceVerificationUpdate(this.snap, flow));
  }

  /** A `get_verifications` answer: every flow the backend holds, replacing what we had. */
  applyVerificationList(flows: readonly VerificationFlow[]): void {
    this.commit(reduceVerificationList(this.snap, flows));
  }

  /** A `presence` event (or a `get_presence` answer): users whose presence changed. */
  applyPresence(users: readonly UserPresence[]): void {
    this.commit(reducePresence(this.snap, users));
  }

  /** Publishes a reducer's result; a reducer that changed nothing returns the same snapshot and wakes nobody. */
  private commit(next: StoreSnapshot): void {
    if (next === this.snap) return;
    this.snap = next;
    for (const l of [...this.listeners]) l();
  }
}
