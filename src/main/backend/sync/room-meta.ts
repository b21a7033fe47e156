/**
 * Derives a room-list row from stored state: the display name the spec's "Calculating the display name for a
 * room" prescribes, avatar, topic, encryption, DM partner and the preview event.
 */
import { isolateBidi } from '../../../shared/display-name.ts';
import type { Event, JSONObject, LazyLoadSummary, NameQuality, Room } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import { bestPreview, MESSAGE_PREVIEW, NO_PREVIEW, previewRank, type PreviewCandidate, type PreviewRank } from './preview-event.ts';

const MAX_HEROES = 5;
/** The state (with an empty state key) a room's row is derived from. */
const META_STATE_TYPES = ['m.room.create', 'm.room.tombstone', 'm.room.topic', 'm.room.canonical_alias',
  'm.room.encryption', 'm.room.name', 'm.room.avatar'] as const;

export function emptyRoom(roomId: string): Room {
  return {
    room_id: roomId, name_quality: 0, explicit_avatar: false, has_member_list: false, preview_event_rowid: 0,
    sorting_timestamp: 0, unread_highlights: 0, unread_notifications: 0, unread_messages: 0, prev_batch: '',
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a sync changed in a room, so only the affected parts of its row are recomputed. */
export interface RoomChanges {
  /** State, the summary or the DM partner changed: recompute name, avatar, topic and the like. */
  state: boolean;
  /** Timeline events appended by this sync, oldest first (a candidate for the new preview). */
  appended?: (PreviewCandidate & { rowid: number; timestamp: number })[];
  /** The timeline was replaced (or events in it redacted): find the preview from the database. */
  rescan?: boolean;
  /**
   * `appended` is the room's whole timeline (it was started afresh by this sync and nothing in it was redacted):
   * what a rescan would read from the database is known already, so it is not read.
   */
  whole?: boolean;
}

const ALL_CHANGED: RoomChanges = { state: true, rescan: true };

/** Updates `room` (the caller's own copy of the row, see RoomStore.get) in place, and returns it. */
export function computeRoomMeta(store: Store, room: Room, ownUserId: string, dmUserId: string | undefined,
  changes: RoomChanges = ALL_CHANGED): Room {
  const create = changes.state ? computeStateFields(store, room, ownUserId, dmUserId) : undefined;
  choosePreview(store, room, changes, create);
  return room;
}

/** Sets the fields derived from state; returns the m.room.create event it read (for the sorting timestamp). */
function computeStateFields(store: Store, room: Room, ownUserId: string, dmUserId: string | undefined): Event | undefined {
  const roomId = room.room_id;
  // One query for the state the fields come from instead of one per field.
  const state = store.state.getTypes(roomId, META_STATE_TYPES);
  const st = (type: string) => state.get(type);

  const create = st('m.room.create');
  room.creation_content = create ? create.content : undefined;
  const tombstone = st('m.room.tombstone');
  room.tombstone = tombstone && str(tombstone.content.replacement_room) ? tombstone.content : undefined;
  room.topic = str(st('m.room.topic')?.content.topic);
  room.canonical_alias = str(st('m.room.canonical_alias')?.content.alias);
  const enc = st('m.room.encryption');
  room.encryption_event = enc && str(enc.content.algorithm) ? enc.content : undefined;
  room.dm_user_id = dmUserId;

  const { name, quality } = computeName(store, roomId, ownUserId, room.lazy_load_summary, st);
  room.name = name;
  room.name_quality = quality;

  const explicitAvatar = str(st('m.room.avatar')?.content.url);
  room.explicit_avatar = explicitAvatar !== undefined;
  room.avatar = explicitAvatar ?? (dmUserId ? str(store.state.get(roomId, 'm.room.member', dmUserId)?.content.avatar_url) : undefined);
  return create;
}

function computeName(store: Store, roomId: string, own: string, summary: LazyLoadSummary | undefined,
  st: (type: string) => Event | undefined): { name: string | undefined; quality: NameQuality } {
  const explicit = str(st('m.room.name')?.content.name);
  if (explicit) return { name: explicit, quality: 3 };
  const alias = str(st('m.room.canonical_alias')?.content.alias);
  if (alias) return { name: alias, quality: 2 };

  const memberships = store.state.memberships(roomId);
  let heroes = summary?.['m.heroes']?.filter((h) => h !== own);
  let joined = summary?.['m.joined_member_count'];
  let invited = summary?.['m.invited_member_count'];
  if (!heroes || heroes.length === 0) {
    // No server summary: use the members we know, sorted as the spec suggests (lexicographically).
    heroes = [...memberships].filter(([u, m]) => u !== own && (m === 'join' || m === 'invite')).map(([u]) => u).sort().slice(0, MAX_HEROES);
    if (heroes.length === 0) {
      heroes = [...memberships].filter(([u]) => u !== own).map(([u]) => u).sort().slice(0, MAX_HEROES);
    }
  }
  joined ??= [...memberships.values()].filter((m) => m === 'join').length;
  invited ??= [...memberships.values()].filter((m) => m === 'invite').length;
  const names = heroes.map((h) => displayName(store, roomId, h));
  const total = joined + invited;
  if (total <= 1) {
    if (names.length === 0) return { name: 'Empty room', quality: 0 };
    return { name: `Empty room (was ${joinNames(names)})`, quality: 1 };
  }
  if (names.length === 0) return { name: 'Empty room', quality: 0 };
  const others = total - 1 - names.length;
  if (others > 0) return { name: `${names.map(isolateBidi).join(', ')} and ${others} other${others === 1 ? '' : 's'}`, quality: 1 };
  return { name: joinNames(names), quality: 1 };
}

/** Names joined into one string are each isolated for bidirectional text, so none can reorder the others. */
function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  const iso = names.map(isolateBidi);
  return `${iso.slice(0, -1).join(', ')} and ${iso[iso.length - 1]}`;
}

function displayName(store: Store, roomId: string, userId: string): string {
  const member = store.state.get(roomId, 'm.room.member', userId);
  return str(member?.content.displayname) ?? userId;
}

/**
 * Moves the preview to the latest event of `changes` that says more (preview-event.ts): a message-like one always; a
 * worded state change only while the room has no message-like preview. The sorting time follows a message-like
 * preview; a state change moves it only when the room has none yet (joins do not reorder the list, as in Element).
 */
function choosePreview(store: Store, room: Room, changes: RoomChanges, create: Event | undefined): void {
  const fromAppended = changes.appended && bestPreview(changes.appended);
  if (fromAppended?.rank === MESSAGE_PREVIEW) {
    setPreview(room, fromAppended.event, MESSAGE_PREVIEW);
    return;
  }
  // Most syncs end here: a room that has a preview and got nothing that could change it.
  if (!changes.rescan && room.preview_event_rowid && !fromAppended) return;
  const current = room.preview_event_rowid ? store.events.get(room.preview_event_rowid) : undefined;
  const currentRank = current ? previewRank(current) : NO_PREVIEW;
  if (currentRank === MESSAGE_PREVIEW && !changes.rescan) return;
  // With the whole timeline at hand (it was started afresh by this sync), the database holds nothing more.
  const found = changes.whole ? fromAppended : findPreview(store, room.room_id);
  if (found && (found.rank === MESSAGE_PREVIEW || currentRank !== MESSAGE_PREVIEW)) setPreview(room, found.event, found.rank);
  if (!room.sorting_timestamp) {
    const newest = changes.whole ? changes.appended?.at(-1) : store.timeline.latest(room.room_id, 1)[0];
    room.sorting_timestamp = newest?.timestamp ?? (create ?? store.state.get(room.room_id, 'm.room.create'))?.timestamp ?? 0;
  }
}

function setPreview(room: Room, ev: { rowid: number; timestamp: number }, rank: PreviewRank): void {
  room.preview_event_rowid = ev.rowid;
  if (rank === MESSAGE_PREVIEW || !room.sorting_timestamp) room.sorting_timestamp = ev.timestamp;
}

/**
 * How far back the stored timeline is searched for a preview when the one before went (deleted, decrypted), as far
 * as Element's room list looks for its latest message-like event.
 */
const PREVIEW_SEARCH_DEPTH = 50;

/**
 * Events read first: the latest message-like event is most often among the newest few, and each event read costs a
 * page of the database (a room's events lie apart, between other rooms'): on npm run bench's account reading 50
 * events took four to six times as long as reading 10.
 */
const PREVIEW_SEARCH_FIRST = 10;

function findPreview(store: Store, roomId: string): { event: Event; rank: PreviewRank } | undefined {
  const newest = store.timeline.latest(roomId, PREVIEW_SEARCH_FIRST).reverse();
  const near = bestPreview(newest);
  if (near?.rank === MESSAGE_PREVIEW || newest.length < PREVIEW_SEARCH_FIRST) return near;
  // Only the events before those: with them, the newest of either rank as one read of all of them would find.
  const older = store.timeline.page(roomId, newest[0].timeline_rowid, PREVIEW_SEARCH_DEPTH - PREVIEW_SEARCH_FIRST).reverse();
  return bestPreview([...older, ...newest]);
}

/**
 * After the room's preview event was decrypted late (decryption-retry.ts): when it turned out to say nothing (a
 * call's candidates, say), the event before it that does previews the room, or none. Answers whether the row changed.
 */
export function refreshPreview(store: Store, room: Room): boolean {
  const current = room.preview_event_rowid ? store.events.get(room.preview_event_rowid) : undefined;
  if (current && previewRank(current) !== NO_PREVIEW) return false;
  const found = findPreview(store, room.room_id);
  if ((found?.event.rowid ?? 0) === room.preview_event_rowid) return false;
  if (found) setPreview(room, found.event, found.rank);
  else room.preview_event_rowid = 0;
  return true;
}

/**
 * The preview chosen again by today's rule from the stored timeline, for a row an older rule chose (preview-recheck.ts):
 * as a rescan by a sync would, except that a preview that says nothing goes when nothing within reach says more. A
 * message-like preview is only replaced by a newer message-like event (a call the older rule skipped, say), a worded
 * state change by a message or a newer change. Answers whether the row changed.
 */
export function recheckPreview(store: Store, room: Room): boolean {
  const before = { rowid: room.preview_event_rowid, ts: room.sorting_timestamp };
  const current = room.preview_event_rowid ? store.events.get(room.preview_event_rowid) : undefined;
  const currentRank = current ? previewRank(current) : NO_PREVIEW;
  // Most rooms: a message-like preview with nothing after it (the newest place is read from the index alone).
  if (currentRank === MESSAGE_PREVIEW && current?.timeline_rowid && current.timeline_rowid === store.timeline.newestRowid(room.room_id)) return false;
  const found = findPreview(store, room.room_id);
  // The same rank only from a later place in the timeline: the current one may lie beyond the search's reach.
  const at = current?.timeline_rowid || Number.NEGATIVE_INFINITY;
  const better = found && found.event.rowid !== room.preview_event_rowid && (found.rank > currentRank
    || (found.rank === currentRank && found.event.timeline_rowid > at));
  if (found && better) {
    setPreview(room, found.event, found.rank);
  } else if (!found && currentRank === NO_PREVIEW) {
    room.preview_event_rowid = 0;
  }
  if (!room.sorting_timestamp) {
    room.sorting_timestamp = (store.timeline.latest(room.room_id, 1)[0] ?? store.state.get(room.room_id, 'm.room.create'))?.timestamp ?? 0;
  }
  return room.preview_event_rowid !== before.rowid || room.sorting_timestamp !== before.ts;
}

/** m.direct account data → room ID → the other user. */
export function directRooms(mDirect: JSONObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!mDirect) return out;
  for (const [userId, rooms] of Object.entries(mDirect)) {
    if (!Array.isArray(rooms)) continue;
    for (const r of rooms) if (typeof r === 'string' && !out.has(r)) out.set(r, userId);
  }
  return out;
}
