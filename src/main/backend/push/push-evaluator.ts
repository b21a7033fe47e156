/**
 * The seam between sync ingest and the push rule evaluator. The ingest makes one PushEvaluator per sync batch
 * (inside its transaction) and calls `unreadType(roomId, event)` for each new timeline event after that event's
 * state is stored; the result is the event's unread_type and tells which room counters it raises and whether it
 * belongs in sync_complete's `notifications`. The ruleset is read once per batch (call `rulesChanged()` after
 * storing a new m.push_rules), each room's context once per room (call `roomStateChanged(roomId)` after storing
 * member, power level or create state of that room within the batch).
 */
import type { Event, JSONObject, SyncNotification } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import type { UnreadCounts } from '../store/unread.ts';
import { effectiveRuleset, unreadTypeOf } from './evaluate.ts';
import { UnreadType, type PushEvent, type PushRoomContext, type Ruleset } from './types.ts';

export class PushEvaluator {
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

/** The room as the conditions need it, from the stored state and the room's lazy-load summary. */
export function pushRoomContext(store: Store, roomId: string, userId: string): PushRoomContext {
  const own = store.state.get(roomId, 'm.room.member', userId)?.content.displayname;
  const counted = store.rooms.get(roomId)?.lazy_load_summary?.joined_member_count;
  let memberCount = counted ?? 0;
  if (counted === undefined) for (const m of store.state.memberships(roomId).values()) if (m === 'join') memberCount++;
  const ctx: PushRoomContext = { userId, memberCount };
  if (typeof own === 'string' && own.trim()) ctx.displayName = own;
  const pl = store.state.get(roomId, 'm.room.power_levels')?.content;
  if (pl) ctx.powerLevels = pl;
  const create = store.state.get(roomId, 'm.room.create');
  if (create && roomHasCreators(create.content)) {
    const extra = Array.isArray(create.content.additional_creators) ? create.content.additional_creators : [];
    ctx.creators = [create.sender, ...extra.filter((u): u is string => typeof u === 'string')];
  }
  return ctx;
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
}

/**
 * What the ingest does per room after storing a sync batch's timeline and receipts: stores each appended event's
 * unread_type, recounts the room's counters from its read position (so own messages and read receipts from any
 * device clear them, and redacted events stop counting), and lists the notifications to send. `initial` (the
 * first sync of a login) notifies nothing: those messages are history.
 */
export function applyUnread(store: Store, push: PushEvaluator, roomId: string, ownUserId: string,
  appended: readonly AppendedEvent[], initial: boolean): UnreadUpdate {
  const notifications: SyncNotification[] = [];
  const types = new Map<number, number>();
  for (const { rowid, event } of appended) {
    const t = push.unreadType(roomId, event);
    if (t !== UnreadType.None) {
      store.unread.setUnreadType(rowid, t);
      types.set(rowid, t);
    }
    const n = initial ? undefined : notificationFor({ rowid, unread_type: t });
    if (n) notifications.push(n);
  }
  const counts = store.unread.count(roomId, ownUserId);
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
