/**
 * Applies one /sync response to the database and describes what changed as a sync_complete diff. The caller runs
 * this inside the transaction that also saves next_batch.
 */
import type {
  AccountData, Event, InvitedRoom, JSONObject, LazyLoadSummary, Receipt, Room, SyncComplete, SyncRoom, Typing,
  UserPresence,
} from '../../../shared/rpc/index.ts';
import { isJsonObject, listOf } from '../matrix/json-shapes.ts';
import type * as M from '../matrix/types.ts';
import { applyUnread, PushEvaluator, type AppendedEvent } from '../push/push-evaluator.ts';
import type { Store } from '../store/store.ts';
import type { UnreadCounts } from '../store/unread.ts';
import { bundledEdit, storeBundledEdits } from './bundled-edit.ts';
import { ingestEvent, isWellFormed, type IngestResult } from './ingest-event.ts';
import { IGNORED_USER_LIST, ignoredUsers, sameUsers } from './ignored-users.ts';
import { ingestPresence } from './presence.ts';
import type { Decryption, PreparedSync } from './prepared.ts';
import { computeRoomMeta, directRooms, emptyRoom, type RoomChanges } from './room-meta.ts';
import { serverMillis } from './server-millis.ts';
import { applySpaceEvents, isSpace, type SpaceEvent } from './spaces.ts';
import { stickySection } from './sticky.ts';
import { expireStickiness } from '../reading/sticky-events.ts';

export interface SyncResult {
  diff: SyncComplete;
  typing: Typing[];
  /** Users whose presence this response carried (stored already). */
  presence: UserPresence[];
  /**
   * m.ignored_user_list changed: the server does not resend what it held back, nor take back what it sent, so the
   * caller resyncs from scratch with `resetTimelines` (spec: the client decides to start a new sync stream).
   */
  ignoredChanged: boolean;
}

export interface ProcessOptions {
  /** Start every room's timeline afresh from this response (the resync after the ignored users changed). */
  resetTimelines?: boolean;
  /** Global account data types not to store from this response: the backend stored newer ones (AccountDataFence). */
  skipAccountData?: ReadonlySet<string>;
}

/** What processing one room needs besides its own data. */
interface RoomContext {
  ignored: ReadonlySet<string>;
  resetTimelines: boolean;
  /** Decryption results prepared before the transaction (end-to-end encryption), by event ID. */
  prepared: PreparedSync | undefined;
  /** Spaces whose edges this response changed (filled while processing). */
  changedSpaces: Set<string>;
  /** Push rules, evaluated after this batch's m.push_rules (if any) is stored. */
  push: PushEvaluator;
  /** The first sync of a login: its messages are history and notify nothing. */
  initial: boolean;
}

export function processSync(store: Store, resp: M.SyncResponse, ownUserId: string, since: string | undefined,
  opts: ProcessOptions = {}, prepared?: PreparedSync): SyncResult {
  const diff: SyncComplete = { since };
  const typing: Typing[] = [];
  // Sticky events whose time has passed leave the index get_sticky_events reads.
  expireStickiness(store.db, Date.now());
  const ignoredBefore = ignoredUsers(store.account.getAccountData('', IGNORED_USER_LIST));

  let dmChanged = false;
  for (const ad of listOf(resp.account_data?.events)) {
    if (!isJsonObject(ad) || !isJsonObject(ad.content) || typeof ad.type !== 'string' || opts.skipAccountData?.has(ad.type)) continue;
    store.account.setAccountData('', ad.type, ad.content);
    (diff.account_data ??= {})[ad.type] = { user_id: ownUserId, type: ad.type, content: ad.content };
    if (ad.type === 'm.direct') dmChanged = true;
  }
  const dms = directRooms(store.account.getAccountData('', 'm.direct'));
  const ignored = ignoredUsers(store.account.getAccountData('', IGNORED_USER_LIST));
  const changedSpaces = new Set<string>();
  // Push rules are evaluated here, after this batch's m.push_rules (if any) is stored.
  const push = PushEvaluator.for(store, ownUserId);
  if (diff.account_data?.['m.push_rules']) push.rulesChanged();
  const roomCtx: RoomContext = {
    ignored, resetTimelines: opts.resetTimelines === true, prepared, changedSpaces, push, initial: since === undefined,
  };

  const rooms: Record<string, SyncRoom> = {};
  const joined: string[] = [];
  for (const [roomId, jr] of entries(resp.rooms?.join)) {
    if (!isJsonObject(jr)) continue;
    const sr = processJoinedRoom(store, roomId, jr, ownUserId, dms, typing, roomCtx);
    if (sr) rooms[roomId] = sr;
    joined.push(roomId);
  }
  store.account.deleteInvites(joined);
  if (dmChanged) {
    // m.direct changed: rooms whose DM partner changed need a new row even if nothing else happened in them.
    for (const roomId of store.rooms.ids()) {
      if (rooms[roomId]) continue;
      const prev = store.rooms.get(roomId);
      if (!prev || prev.dm_user_id === dms.get(roomId)) continue;
      const meta = computeRoomMeta(store, prev, ownUserId, dms.get(roomId), { state: true });
      store.rooms.save(meta);
      rooms[roomId] = { meta };
    }
  }
  if (Object.keys(rooms).length) diff.rooms = rooms;

  for (const [roomId, ir] of entries(resp.rooms?.invite)) {
    if (!isJsonObject(ir)) continue;
    const invite = toInvite(roomId, ir, ownUserId);
    if (invite.invited_by !== undefined && ignored.has(invite.invited_by)) continue;
    store.account.putInvite(invite);
    (diff.invited_rooms ??= []).push(invite);
  }
  let leftSpace = false;
  for (const [roomId] of entries(resp.rooms?.leave)) {
    const hadInvite = store.account.deleteInvite(roomId);
    const room = store.rooms.get(roomId);
    if (room || hadInvite) {
      if (room && isSpace(room)) leftSpace = true;
      store.deleteRoom(roomId);
      (diff.left_rooms ??= []).push(roomId);
    }
  }
  if (diff.left_rooms?.length === 0) delete diff.left_rooms;
  if (changedSpaces.size || leftSpace) {
    // As gomuks: the whole edge list of each changed space, and the top-level spaces recomputed.
    const edges: NonNullable<SyncComplete['space_edges']> = {};
    for (const space of changedSpaces) edges[space] = store.spaces.edges(space);
    if (changedSpaces.size) diff.space_edges = edges;
    diff.top_level_spaces = store.spaces.topLevel();
  }
  const presence = ingestPresence(store, resp.presence?.events);
  return { diff, typing, presence, ignoredChanged: !sameUsers(ignoredBefore, ignored) };
}

function processJoinedRoom(store: Store, roomId: string, jr: M.JoinedRoom, own: string, dms: Map<string, string>,
  typing: Typing[], ctx: RoomContext): SyncRoom | undefined {
  let prev = store.rooms.get(roomId);
  const isNew = !prev && store.rooms.ensure(roomId);
  prev ??= emptyRoom(roomId);
  const sr: SyncRoom = {};
  // The events the diff carries, in order: the ones inserted here as built at insert, null for ones to read back
  // (events stored before, or changed again after their insert, like a redacted one).
  const events = new Map<number, Event | null>();
  const note = (r: IngestResult) => {
    if (r.inserted) events.set(r.rowid, r.inserted);
    else if (!events.has(r.rowid)) events.set(r.rowid, null);
    for (const t of r.touched) events.set(t, null);
  };
  const stateChanges: Record<string, Record<string, number>> = {};
  /** How many state events this response set (cheaper to keep than to count stateChanges' keys, for every room). */
  let stateSet = 0;
  const spaceEvents: SpaceEvent[] = [];
  const setState = (ev: M.ClientEvent, rowid: number) => {
    store.state.set({ room_id: roomId, type: ev.type, state_key: ev.state_key, content: ev.content }, rowid);
    (stateChanges[ev.type] ??= {})[ev.state_key ?? ''] = rowid;
    stateSet++;
    if (ev.type === 'm.space.child' || ev.type === 'm.space.parent') spaceEvents.push({ type: ev.type, state_key: ev.state_key ?? '', content: ev.content, rowid });
  };

  for (const ev of listOf(jr.state?.events)) {
    const r = ingestEvent(store, roomId, ev, undefined, own);
    if (!r || ev.state_key === undefined) continue;
    setState(ev, r.rowid);
    note(r);
  }

  // Sticky events outside the timeline (MSC4354): stored and listed in the diff, not placed in the timeline and
  // never unread (as gomuks). An ignored user's are dropped like their messages.
  const sticky: number[] = [];
  for (const ev of stickySection(jr)) {
    if (!isWellFormed(ev) || ev.state_key !== undefined || ctx.ignored.has(ev.sender)) continue;
    const r = ingestEvent(store, roomId, ev, undefined, own, ctx.prepared?.get(ev.event_id), 0);
    if (!r) continue;
    note(r);
    sticky.push(r.rowid);
  }
  if (sticky.length) sr.sticky = sticky;

  const tl = isJsonObject(jr.timeline) ? (jr.timeline as M.Timeline) : undefined;
  // The timeline starts afresh here: what this batch appends is then all of it.
  const fresh = !!tl && (!!tl.limited || isNew || ctx.resetTimelines);
  if (fresh) {
    // A gap between what we had and this batch: start the timeline afresh instead of stitching across the gap.
    store.timeline.clear(roomId);
    const token = typeof tl.prev_batch === 'string' ? tl.prev_batch : null;
    store.rooms.setPrevBatch(roomId, token);
    prev.prev_batch = token ?? '';
    if (!isNew) sr.reset = true;
  }
  const timeline: { timeline_rowid: number; event_rowid: number }[] = [];
  const appended: NonNullable<RoomChanges['appended']> = [];
  const incoming: AppendedEvent[] = [];
  let redacted = false;
  /** The edits the server bundled with this batch's messages (bundled-edit.ts): rare, so allocated when found. */
  let edits: M.ClientEvent[] | undefined;
  // The push rules read the room's state as it is at each event: what this response's state section changed first.
  if (stateSet || jr.summary) ctx.push.roomStateChanged(roomId);
  for (const ev of listOf(tl?.events)) {
    if (!isWellFormed(ev)) continue;
    // State from an ignored user still applies (it is the room's state); their messages are hidden.
    if (ctx.ignored.size && ev.state_key === undefined && ctx.ignored.has(ev.sender)) continue;
    // Evaluated before the insert, so the row is written with its final unread_type; on the cleartext of a
    // decrypted event (a mention or keyword inside it counts).
    const decryption = ctx.prepared?.get(ev.event_id);
    const unread = ctx.push.unreadType(roomId, cleartextOf(ev, decryption));
    const r = ingestEvent(store, roomId, ev, undefined, own, decryption, unread);
    if (!r) continue;
    note(r);
    const edit = bundledEdit(roomId, ev);
    if (edit) (edits ??= []).push(edit);
    const added = store.timeline.append(roomId, r.rowid);
    if (added) {
      timeline.push(added);
      // As stored (a server's event without a timestamp gets the time it arrived).
      const timestamp = r.inserted?.timestamp ?? serverMillis(ev.origin_server_ts) ?? Date.now();
      // With what it decrypted to: the preview is judged by that (an encrypted call's candidates say nothing).
      appended.push({ rowid: r.rowid, type: ev.type, timestamp, content: ev.content, state_key: ev.state_key,
        unsigned: ev.unsigned, decrypted_type: decryption?.decrypted_type, decrypted: decryption?.decrypted });
      incoming.push({ rowid: r.rowid, event: ev, ingested: r.inserted ? unread : undefined, unreadType: unread });
      const built = events.get(r.rowid);
      if (built) built.timeline_rowid = added.timeline_rowid;
    }
    if (r.redacted) redacted = true;
    if (ev.state_key !== undefined) {
      setState(ev, r.rowid);
      ctx.push.roomStateChanged(roomId);
    }
  }
  // After the whole timeline: an edit this batch also carries is stored (and placed) already, and is not written
  // again; one it lacks becomes its message's latest edit if newer, and the diff carries both.
  if (edits) for (const r of storeBundledEdits(store, roomId, edits, ctx.prepared, own)) note(r);
  if (timeline.length || sr.reset) sr.timeline = timeline;
  if (stateSet) sr.state = stateChanges;

  let markedUnread = prev.marked_unread === true;
  for (const ad of listOf(jr.account_data?.events)) {
    if (!isJsonObject(ad) || !isJsonObject(ad.content) || typeof ad.type !== 'string') continue;
    store.account.setAccountData(roomId, ad.type, ad.content);
    (sr.account_data ??= {})[ad.type] = roomAccountData(own, roomId, ad.type, ad.content);
    if (ad.type === 'm.marked_unread' || ad.type === 'com.famedly.marked_unread') markedUnread = ad.content.unread === true;
  }

  let ownReceipt = false;
  for (const eph of listOf(jr.ephemeral?.events)) {
    if (!isJsonObject(eph) || !isJsonObject(eph.content)) continue;
    if (eph.type === 'm.typing' && Array.isArray(eph.content.user_ids)) {
      typing.push({ room_id: roomId,
        user_ids: eph.content.user_ids.filter((u): u is string => typeof u === 'string' && !ctx.ignored.has(u)) });
    } else if (eph.type === 'm.receipt') {
      const receipts = parseReceipts(eph.content);
      for (const r of receipts) store.account.setReceipt(roomId, r);
      if (receipts.some((r) => r.user_id === own)) ownReceipt = true;
      for (const r of receipts) (((sr.receipts ??= {})[r.event_id]) ??= []).push(r);
    }
  }

  // rooms.get gave this call its own copy of the row: it becomes the new row in place.
  const room: Room = prev;
  const prevNotifications = prev.unread_notifications;
  if (isJsonObject(jr.summary)) {
    const s = jr.summary;
    const lls: LazyLoadSummary = { ...(prev.lazy_load_summary ?? {}) };
    if (Array.isArray(s['m.heroes'])) lls['m.heroes'] = s['m.heroes'].filter((h): h is string => typeof h === 'string');
    if (typeof s['m.joined_member_count'] === 'number') lls['m.joined_member_count'] = s['m.joined_member_count'];
    if (typeof s['m.invited_member_count'] === 'number') lls['m.invited_member_count'] = s['m.invited_member_count'];
    room.lazy_load_summary = lls;
  }
  // Counted locally from our push rules and read position (the server cannot count encrypted rooms). A timeline
  // started afresh with nothing in it has nothing unread: no need to count.
  const empty = fresh && timeline.length === 0;
  const unread = applyUnread(store, ctx.push, roomId, own, incoming, ctx.initial, empty ? NOTHING_UNREAD : prev,
    !empty && (isNew || !!sr.reset || redacted || ownReceipt));
  Object.assign(room, unread.counts);
  if (markedUnread) room.marked_unread = true;
  else delete room.marked_unread;
  if (unread.notifications.length) sr.notifications = unread.notifications;
  if (prevNotifications > 0 && room.unread_notifications === 0) sr.dismiss_notifications = true;
  for (const [rowid, t] of unread.types) {
    const built = events.get(rowid);
    if (!built) continue;
    if (t) built.unread_type = t;
    else delete built.unread_type;
  }
  computeRoomMeta(store, room, own, dms.get(roomId), {
    state: isNew || stateSet > 0 || !!jr.summary || room.dm_user_id !== dms.get(roomId),
    appended,
    rescan: !!sr.reset || redacted,
    whole: fresh && !redacted,
  });
  // Only the columns that changed are written (most syncs move just the preview and the counts).
  if (store.rooms.save(room) || isNew) sr.meta = room;
  if (spaceEvents.length) applySpaceEvents(store, room, spaceEvents, ctx.changedSpaces);
  else if (isNew && isSpace(room)) ctx.changedSpaces.add(roomId);
  if (room.preview_event_rowid && !events.has(room.preview_event_rowid)) events.set(room.preview_event_rowid, null);

  const evs = diffEvents(store, events);
  if (evs.length) sr.events = evs;
  return Object.keys(sr).length ? sr : undefined;
}

const NOTHING_UNREAD: UnreadCounts = { unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };

/** What the push rules evaluate: a decrypted event's cleartext type and content, else the event as it came. */
function cleartextOf(ev: M.ClientEvent, d: Decryption | undefined): M.ClientEvent {
  return d?.decrypted && d.decrypted_type ? { ...ev, type: d.decrypted_type, content: d.decrypted } : ev;
}

/** The diff's events in order, reading back from the database only those not built at insert. */
function diffEvents(store: Store, events: Map<number, Event | null>): Event[] {
  const toRead: number[] = [];
  for (const [rowid, ev] of events) if (!ev) toRead.push(rowid);
  // The common case (every event built at insert): no lookup map, no second pass.
  if (toRead.length === 0) return [...events.values()] as Event[];
  const read = new Map(store.events.getMany(toRead).map((e) => [e.rowid, e]));
  const out: Event[] = [];
  for (const [rowid, ev] of events) {
    const e = ev ?? read.get(rowid);
    if (e) out.push(e);
  }
  return out;
}

export function roomAccountData(userId: string, roomId: string, type: string, content: JSONObject): AccountData {
  return { user_id: userId, room_id: roomId, type, content };
}

function parseReceipts(content: JSONObject): Receipt[] {
  const out: Receipt[] = [];
  for (const [eventId, byType] of Object.entries(content)) {
    if (!isJsonObject(byType)) continue;
    for (const [receiptType, byUser] of Object.entries(byType)) {
      if (!isJsonObject(byUser)) continue;
      for (const [userId, info] of Object.entries(byUser)) {
        if (!isJsonObject(info)) continue;
        const r: Receipt = { user_id: userId, receipt_type: receiptType, event_id: eventId, timestamp: serverMillis(info.ts) ?? 0 };
        if (typeof info.thread_id === 'string') r.thread_id = info.thread_id;
        out.push(r);
      }
    }
  }
  return out;
}

function toInvite(roomId: string, ir: M.InvitedRoom, own: string): InvitedRoom {
  const state = listOf(ir.invite_state?.events).filter((e) => isJsonObject(e) && typeof e.type === 'string' && isJsonObject(e.content));
  const find = (type: string, key = '') => state.find((e) => e.type === type && e.state_key === key);
  const me = find('m.room.member', own);
  const invite: InvitedRoom = {
    room_id: roomId, created_at: Date.now(), invite_state: state as unknown as JSONObject[],
  };
  if (me?.sender) invite.invited_by = me.sender;
  const name = find('m.room.name')?.content.name;
  if (typeof name === 'string') invite.name = name;
  const avatar = find('m.room.avatar')?.content.url;
  if (typeof avatar === 'string') invite.avatar = avatar;
  if (me?.content.is_direct === true) invite.is_direct = true;
  return invite;
}

function entries<T>(v: Record<string, T> | undefined): [string, T][] {
  return isJsonObject(v) ? Object.entries(v) : [];
}
