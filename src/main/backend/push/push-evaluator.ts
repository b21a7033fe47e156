/**
 * The seam between sync ingest and the push rule evaluator. The ingest takes the store's PushEvaluator
 * (`PushEvaluator.for`) and, per room, calls `applyUnread` with the new timeline events after their state is
 * stored: each event gets its unread_type, which raises the room's counters and may put it in sync_complete's
 * `notifications`. The ruleset and each room's context are cached across batches: call `rulesChanged()` after
 * storing a new m.push_rules and `roomStateChanged(roomId)` after storing state or a summary of that room.
 */
import type { Event, JSONObject, SyncNotification } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import type { UnreadCounts } from '../store/unread.ts';
import { effectiveRuleset, unreadTypeOf } from './evaluate.ts';
import { UnreadType, type PushEvent, type PushRoomContext, type Ruleset } from './types.ts';

const evaluators = new WeakMap<Store, PushEvaluator>();

export class PushEvaluator {
  /**
   * The evaluator of this database and account, kept across sync batches so room contexts and the ruleset are
   * read once, not per batch; whoever stores what they depend on says so (`rulesChanged`, `roomStateChanged`).
   */
  static for(store: Store, userId: string): PushEvaluator {
    let e = evaluators.get(store);
    if (!e || e.userId !== userId) {
      e = new PushEvaluator(store, userId);
      evaluators.set(store, e);
    }
    return e;
  }

  private readonly store: Store;
  private readonly userId: string;
  private rules: Required<Ruleset> | undefined;
  private readonly rooms = new Map<string, PushRoomContext>();

  constructor(store: Store, userId: string) {
    this.store = store;
    this.userId = userId;
  }

  rulesChanged(): void {
    this.rules = undefined;
  }

  roomStateChanged(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** gomuks' unread_type bit flags for one incoming event of the room. */
  unreadType(roomId: string, ev: PushEvent): number {
    this.rules ??= effectiveRuleset(
      this.store.account.getAccountData('', 'm.push_rules')?.global as Ruleset | undefined, this.userId);
    let room = this.rooms.get(roomId);
    if (!room) {
      room = pushRoomContext(this.store, roomId, this.userId);
      this.rooms.set(roomId, room);
    }
    return unreadTypeOf(this.rules, { room_id: roomId, ...ev }, room);
  }
}

/**
 * The room as the conditions need it, from the stored state and the room's lazy-load summary. Each part is read on
 * first use: most events are decided by rules that need only the member count, and ingest calls this per room.
 */
export function pushRoomContext(store: Store, roomId: string, userId: string): PushRoomContext {
  return new LazyRoomContext(store, roomId, userId);
}

class LazyRoomContext implements PushRoomContext {
  readonly userId: string;
  private readonly store: Store;
  private readonly roomId: string;
  private cache: { displayName?: string | undefined; memberCount?: number; powerLevels?: JSONObject | undefined; creators?: string[] | undefined } = {};

  constructor(store: Store, roomId: string, userId: string) {
    this.store = store;
    this.roomId = roomId;
    this.userId = userId;
  }

  get displayName(): string | undefined {
    if (!('displayName' in this.cache)) {
      const own = this.store.unread.stateField(this.roomId, 'm.room.member', this.userId, '$.displayname')?.value;
      this.cache.displayName = typeof own === 'string' && own.trim() ? own : undefined;
    }
    return this.cache.displayName;
  }

  get memberCount(): number {
    if (this.cache.memberCount === undefined) {
      const counted = this.store.rooms.get(this.roomId)?.lazy_load_summary?.['m.joined_member_count'];
      let n = counted ?? 0;
      if (counted === undefined) for (const m of this.store.state.memberships(this.roomId).values()) if (m === 'join') n++;
      this.cache.memberCount = n;
    }
    return this.cache.memberCount;
  }

  get powerLevels(): JSONObject | undefined {
    if (!('powerLevels' in this.cache)) this.cache.powerLevels = this.store.state.get(this.roomId, 'm.room.power_levels')?.content;
    return this.cache.powerLevels;
  }

  get creators(): string[] | undefined {
    if (!('creators' in this.cache)) {
      const create = this.store.state.get(this.roomId, 'm.room.create');
      let creators: string[] | undefined;
      if (create && roomHasCreators(create.content)) {
        const extra = Array.isArray(create.content.additional_creators) ? create.content.additional_creators : [];
        creators = [create.sender, ...extra.filter((u): u is string => typeof u === 'string')];
      }
      this.cache.creators = creators;
    }
    return this.cache.creators;
  }
}

/** Room version 12 gives its creators unlimited power, outside m.room.power_levels. */
function roomHasCreators(content: JSONObject): boolean {
  return content.room_version === '12';
}

/** The sync_complete notification for a stored event whose unread_type asks for one, else undefined. */
export function notificationFor(ev: Pick<Event, 'rowid' | 'unread_type'>): SyncNotification | undefined {
  const t = ev.unread_type ?? 0;
  if (!(t & UnreadType.Notify)) return undefined;
  return { event_rowid: ev.rowid, sound: (t & UnreadType.Sound) !== 0, highlight: (t & UnreadType.Highlight) !== 0 };
}

/** An event the ingest just appended to a room's timeline. */
export interface AppendedEvent {
  rowid: number;
  event: PushEvent;
  /** The unread_type the ingest wrote when it inserted the row, undefined if unknown. */
  ingested?: number | undefined;
  /** The push rules' unread_type for it, when the ingest evaluated them already (then they are not run again). */
  unreadType?: number;
}

/**
 * What the ingest does per room after storing a sync batch's timeline and receipts: stores each appended event's
 * unread_type, updates the room's counters (`prev`) — recounted from the read position when `recount` says the
 * batch moved it or removed counted events (own read receipt, redaction, reset timeline), so own messages and read
 * receipts from any device clear them and redacted events stop counting — and lists the notifications to send.
 * `initial` (the first sync of a login) notifies nothing: those messages are history.
 */
export function applyUnread(store: Store, push: PushEvaluator, roomId: string, ownUserId: string,
  appended: readonly AppendedEvent[], initial: boolean, prev: UnreadCounts, recount: boolean): UnreadUpdate {
  const notifications: SyncNotification[] = [];
  const types = new Map<number, number>();
  const added: UnreadCounts = { unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
  let ownEvent = false;
  for (const { rowid, event, ingested, unreadType } of appended) {
    if (event.sender === ownUserId) ownEvent = true;
    const t = unreadType ?? push.unreadType(roomId, event);
    // The push rules' answer is the complete value: it replaces the ingest's guess (also with None).
    if (t !== ingested) store.unread.setUnreadType(rowid, t);
    if (t !== UnreadType.None || ingested) types.set(rowid, t);
    if (t !== UnreadType.None) {
      if (t & UnreadType.Normal) added.unread_messages++;
      if (t & UnreadType.Notify) added.unread_notifications++;
      if (t & UnreadType.Highlight) added.unread_highlights++;
    }
    const n = initial ? undefined : notificationFor({ rowid, unread_type: t });
    if (n) notifications.push(n);
  }
  // New events after the read position only add to the counts; anything that moves the read position (our own
  // event or receipt) or removes counted events (a redaction, a reset timeline) needs a count from the database.
  const counts = recount || ownEvent ? store.unread.count(roomId, ownUserId) : {
    unread_messages: prev.unread_messages + added.unread_messages,
    unread_notifications: prev.unread_notifications + added.unread_notifications,
    unread_highlights: prev.unread_highlights + added.unread_highlights,
  };
  // Read elsewhere within the same batch: nothing left to alert about.
  return { counts, notifications: counts.unread_notifications > 0 ? notifications : [], types };
}

export interface UnreadUpdate {
  /** The room's counters, for its Room row. */
  counts: UnreadCounts;
  /** For the room's sync_complete `notifications`. */
  notifications: SyncNotification[];
  /** rowid → unread_type of the appended events that have one (for events already built for the diff). */
  types: Map<number, number>;
}
