/**
 * Creating and managing spaces as Element does: the /createRoom body of a new space (only admins post in it, as
 * Element sets its power levels, so a space's timeline cannot carry hidden spam; a public space is world-readable
 * and has an address, a private one is invite-only with history from the invite), a room made inside a space (the
 * space as its canonical parent from the start, then listed in the space), adding existing rooms to a space and
 * removing one. Everything goes through the existing create_room and set_state commands. The request bodies are pure
 * functions so they are unit-tested; the requests themselves are driven against Synapse by the space home's
 * browser test.
 */
import type { CommandParams } from '../../shared/rpc/commands.ts';
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { spaceLoopReason } from '../../shared/space-loops.ts';
import { roomDisplayName } from './selectors.ts';
import { failureReason } from './space-hierarchy.ts';
import { canSendState } from './room-state.ts';
import type { Session } from './session.ts';
import type { StoreSnapshot } from './snapshot.ts';
import { uploadFile } from './uploads.ts';

export interface NewSpace {
  name: string;
  topic: string;
  isPublic: boolean;
  /** The local part of the public space's address (`#<this>:server`); ignored for a private space. */
  alias: string;
  /** An uploaded image (its mxc URL and info), set as the space's avatar from the start. */
  avatar?: { url: string; info?: JSONValue };
}

const obj = (v: JSONValue | undefined): JSONObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined);

/** The homeserver part of a Matrix ID (`@u:hs`, `!r:hs`); undefined for one without it (room version 12's room IDs). */
export function serverOf(id: string): string | undefined {
  const i = id.indexOf(':');
  return i < 0 ? undefined : id.slice(i + 1) || undefined;
}

/**
 * An address's local part made from a name as Element suggests one: lower case, runs of anything but letters, digits,
 * `-`, `_` and `.` made one `-`, none at either end.
 */
export function aliasFromName(name: string): string {
  return name.trim().toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9._=-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Whether a typed address local part can be one: no `#`, `:` or white space, and not empty. */
export function validAliasLocalpart(local: string): boolean {
  return /^[^:\s#]+$/.test(local.trim());
}

/** A state event of a /createRoom body's initial state. */
export interface InitialState { type: string; state_key: string; content: JSONObject }

/** The /createRoom body of a new space. */
export function spaceCreationRequest(s: NewSpace): CommandParams<'create_room'> {
  const initialState: InitialState[] = [
    { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: s.isPublic ? 'world_readable' : 'invited' } },
  ];
  if (s.avatar) initialState.push({ type: 'm.room.avatar', state_key: '', content: { url: s.avatar.url, ...(s.avatar.info ? { info: s.avatar.info } : {}) } });
  return {
    name: s.name.trim(),
    ...(s.topic.trim() ? { topic: s.topic.trim() } : {}),
    preset: s.isPublic ? 'public_chat' : 'private_chat',
    visibility: s.isPublic ? 'public' : 'private',
    ...(s.isPublic && s.alias.trim() ? { room_alias_name: s.alias.trim() } : {}),
    creation_content: { type: 'm.space' },
    // Only admins write to the timeline (nobody reads a space's messages); anyone may invite to a public space,
    // moderators to a private one.
    power_level_content_override: { events_default: 100, invite: s.isPublic ? 0 : 50 },
    initial_state: initialState,
  };
}

/** Uploads the chosen image (never encrypted: people outside the space see it too), then creates the space. */
export async function createSpace(session: Session, s: Omit<NewSpace, 'avatar'>, avatar?: File): Promise<string> {
  let uploaded: NewSpace['avatar'];
  if (avatar) {
    const r = await uploadFile(avatar, avatar.name || 'avatar', { encrypt: false });
    if (!r.url) throw new Error('The upload answered no address for the image.');
    uploaded = { url: r.url, ...(r.info ? { info: r.info as JSONValue } : {}) };
  }
  const { room_id: roomId } = await session.client.request('create_room', spaceCreationRequest({ ...s, avatar: uploaded }));
  return roomId;
}

/** How a room restricted to a space's members can be made: in the server's default room version, or in this one. */
export interface RestrictedRooms { readonly roomVersion?: string }

/**
 * How a room restricted to a space's members can be made here: in the default room version when it allows it (9
 * and later, where the restricted join rule works as it should), else in another available stable one that does
 * (10, as Element prefers, else the newest); null when none does.
 */
export function restrictedRoomVersion(capabilities: JSONObject | undefined): RestrictedRooms | null {
  const versions = obj(capabilities?.['m.room_versions']);
  if (!versions) return null;
  const supports = (v: string) => /^\d+$/.test(v) && Number(v) >= 9;
  if (typeof versions.default === 'string' && supports(versions.default)) return {};
  const available = Object.entries(obj(versions.available) ?? {}).filter(([v, status]) => status === 'stable' && supports(v)).map(([v]) => v);
  const pick = available.includes('10') ? '10' : available.sort((a, b) => Number(b) - Number(a))[0];
  return pick ? { roomVersion: pick } : null;
}

/** Asks the homeserver once a session whether a room can be restricted to a space's members (see above). */
export async function loadRestrictedRoomVersion(session: Session): Promise<RestrictedRooms | null> {
  const r = await session.client.request('get_capabilities', {});
  return restrictedRoomVersion(r.capabilities);
}

/**
 * The m.space.parent content naming a space as the room's: canonical (its main space, which clients show it under
 * and use for breadcrumbs) unless the room has a canonical parent already, which stays its main one, as Element does.
 */
function parentContent(via: string, canonical = true): JSONObject {
  return canonical ? { via: [via], canonical: true } : { via: [via] };
}

/** Whether the room names a space other than `spaceId` as its canonical parent, by the space edges the backend keeps. */
export function hasCanonicalParent(snap: Pick<StoreSnapshot, 'spaceEdges'>, roomId: string, spaceId: string): boolean {
  return Object.entries(snap.spaceEdges).some(([space, edges]) => space !== spaceId
    && edges.some((e) => e.child_id === roomId && e.parent_event_rowid !== undefined && e.canonical === true));
}

/** The m.space.child content that lists a room in a space: its server to join through. */
export function childContent(roomId: string, ownServer: string): JSONObject {
  return { via: [serverOf(roomId) ?? ownServer] };
}

/** Lists the room in the space (m.space.child), in words when the server refuses. */
async function addChild(session: Session, spaceId: string, roomId: string, ownServer: string, name: string): Promise<void> {
  try {
    await session.client.request('set_state', { room_id: spaceId, type: 'm.space.child', state_key: roomId, content: childContent(roomId, ownServer) });
  } catch (err) {
    throw new Error(`Could not add ${name} to the space: ${reasonOf(err)}`, { cause: err });
  }
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function reasonOf(err: unknown): string {
  const text = failureReason(err instanceof Error ? err.message : String(err));
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Adds joined rooms to a space, in order: each listed in the space (m.space.child), then, in the rooms where our
 * power allows it, the space named as their parent (m.space.parent; the canonical one unless they have one), as
 * Element's "Add existing rooms" does. The rooms' power levels are read from the backend's database first (a room not opened has no state here
 * yet). A space that holds this one is refused (a loop). Stops at the first refusal, in words; the rooms before it stay added. `names` word the errors.
 */
export async function addRoomsToSpace(session: Session, spaceId: string, roomIds: readonly string[],
  names: ReadonlyMap<string, string>): Promise<void> {
  const own = session.store.getSnapshot().clientState?.user_id ?? '';
  const ownServer = serverOf(own) ?? '';
  const keys = roomIds.flatMap((room_id) => ['m.room.power_levels', 'm.room.create'].map((type) => ({ room_id, type, state_key: '' })));
  if (keys.length) session.store.applySpecificState(await session.client.request('get_specific_room_state', { keys }));
  const spaceVia = serverOf(spaceId) ?? ownServer;
  for (const roomId of roomIds) {
    const name = names.get(roomId) ?? 'the room';
    // The backend refuses it too; said here in the same words as the other refusals.
    const loop = loopReason(session.store.getSnapshot(), spaceId, roomId);
    if (loop) throw new Error(`Could not add ${name} to the space: ${loop}`);
    await addChild(session, spaceId, roomId, ownServer, name);
    const snap = session.store.getSnapshot();
    if (!mayLinkParent(snap, roomId, own)) continue;
    const content = parentContent(spaceVia, !hasCanonicalParent(snap, roomId, spaceId));
    try {
      await session.client.request('set_state', { room_id: roomId, type: 'm.space.parent', state_key: spaceId, content });
    } catch (err) {
      throw new Error(`${name} was added to the space, but could not name the space as its own: ${reasonOf(err)}`, { cause: err });
    }
  }
}

/** Whether we may list and unlist rooms in the space (m.space.child), by its power levels as the store holds them. */
export function mayManageSpace(rooms: StoreSnapshot['rooms'], spaceId: string, own: string): boolean {
  const space = rooms.get(spaceId);
  return space?.meta !== undefined && space.state['m.room.power_levels']?.[''] !== undefined && canSendState(space, own, 'm.space.child');
}

/** Per session, the sub-spaces whose power levels are being read, or failed to be (not asked again this session). */
const powersAsked = new WeakMap<Session, Set<string>>();

/**
 * Reads the power levels (and create event, whose creators hold power in room version 12) of joined sub-spaces the
 * store has none for, from the backend's database, so a space's home can tell in which of the sub-spaces it shows we
 * may remove rooms, without loading each sub-space's whole state.
 */
export async function loadSpacePowers(session: Session, spaceIds: readonly string[]): Promise<void> {
  let asked = powersAsked.get(session);
  if (!asked) powersAsked.set(session, asked = new Set());
  const snap = session.store.getSnapshot();
  const missing = spaceIds.filter((id) => !asked.has(id) && snap.rooms.get(id)?.meta !== undefined
    && snap.rooms.get(id)?.state['m.room.power_levels']?.[''] === undefined);
  if (missing.length === 0) return;
  for (const id of missing) asked.add(id);
  const keys = missing.flatMap((room_id) => ['m.room.power_levels', 'm.room.create'].map((type) => ({ room_id, type, state_key: '' })));
  try {
    session.store.applySpecificState(await session.client.request('get_specific_room_state', { keys }));
    // Read again should a reconnect's clear_state drop them.
    for (const id of missing) asked.delete(id);
  } catch (err) {
    console.warn('lattice: reading the power levels of sub-spaces failed', err);
  }
}

/** Whether we may write m.space.parent in the room, by its power levels as the store holds them. */
function mayLinkParent(snap: StoreSnapshot, roomId: string, own: string): boolean {
  const room = snap.rooms.get(roomId);
  // Without its power levels read, canSendState would answer the spec's defaults (anyone): do not guess.
  return room?.state['m.room.power_levels']?.[''] !== undefined && canSendState(room, own, 'm.space.parent');
}

/**
 * Removes a room from a space: its m.space.child with empty content (the spec's way to end the relation), then the
 * room's own m.space.parent naming the space, where there is one and our power allows, as Element does, so the room
 * no longer counts itself in the space. `spaceName` words the error ("the space" for the one whose home it is).
 */
export async function removeFromSpace(session: Session, spaceId: string, roomId: string, name: string, spaceName = 'the space'): Promise<void> {
  try {
    await session.client.request('set_state', { room_id: spaceId, type: 'm.space.child', state_key: roomId, content: {} });
  } catch (err) {
    throw new Error(`Could not remove ${name} from ${spaceName}: ${reasonOf(err)}`, { cause: err });
  }
  const snap = session.store.getSnapshot();
  const room = snap.rooms.get(roomId);
  if (!room?.meta) return;
  const own = snap.clientState?.user_id ?? '';
  const [parent] = await session.client.request('get_specific_room_state', {
    keys: [{ room_id: roomId, type: 'm.space.parent', state_key: spaceId }, { room_id: roomId, type: 'm.room.power_levels', state_key: '' },
      { room_id: roomId, type: 'm.room.create', state_key: '' }],
  }).then((events) => {
    session.store.applySpecificState(events);
    return events.filter((e) => e.type === 'm.space.parent');
  });
  const via = parent?.content.via;
  if (!Array.isArray(via) || via.length === 0 || !mayLinkParent(session.store.getSnapshot(), roomId, own)) return;
  // The space's list no longer has the room; a room that still names the space is a lesser matter, so this is best effort.
  await session.client.request('set_state', { room_id: roomId, type: 'm.space.parent', state_key: spaceId, content: {} })
    .catch((err: unknown) => console.warn(`lattice: could not remove the m.space.parent of ${roomId}`, err));
}

/**
 * The /createRoom additions for a room made inside a space: the space as its canonical parent, and for `restricted`
 * the join rule that lets the space's members in (with the room version that has it, when the default does not).
 */
export function roomInSpaceRequest(spaceId: string, ownServer: string, restricted: RestrictedRooms | null): { initialState: InitialState[]; roomVersion?: string } {
  const initialState: InitialState[] = [{ type: 'm.space.parent', state_key: spaceId, content: parentContent(serverOf(spaceId) ?? ownServer) }];
  if (restricted === null) return { initialState };
  initialState.push({
    type: 'm.room.join_rules', state_key: '',
    content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: spaceId }] },
  });
  return { initialState, ...(restricted.roomVersion ? { roomVersion: restricted.roomVersion } : {}) };
}

/** After a room is created in a space: lists it there (the room already names the space as its parent). */
export async function listNewRoomInSpace(session: Session, spaceId: string, roomId: string, name: string): Promise<void> {
  const own = session.store.getSnapshot().clientState?.user_id ?? '';
  try {
    await session.client.request('set_state', {
      room_id: spaceId, type: 'm.space.child', state_key: roomId, content: childContent(roomId, serverOf(own) ?? ''),
    });
  } catch (err) {
    throw new Error(`${name} was created, but could not be added to the space: ${reasonOf(err)}`, { cause: err });
  }
}

export interface AddCandidate {
  readonly roomId: string;
  readonly name: string;
  readonly kind: 'room' | 'space' | 'dm';
  readonly avatar: string | undefined;
  /** Why it cannot be added (a space that holds this one: a loop), in words; null when it can. */
  readonly blocked: string | null;
}

/** Why `roomId` cannot be listed in `spaceId` because it would make a loop of spaces (shared/space-loops.ts), or null. */
export function loopReason(snap: Pick<StoreSnapshot, 'rooms' | 'spaceEdges'>, spaceId: string, roomId: string): string | null {
  const nameOf = (id: string) => {
    const room = snap.rooms.get(id);
    return room?.meta ? roomDisplayName(room) : id;
  };
  return spaceLoopReason(snap.spaceEdges, spaceId, roomId, nameOf);
}

/**
 * The joined rooms that could be added to the space, in the room list's order, as Element's "Add existing rooms"
 * lists them: rooms, spaces and direct chats not already its children, never the space itself, nor a room upgraded
 * to one we are in (its successor is the one to add). A space that holds this one is listed but blocked, with why.
 * `query` narrows them by name or address, in any case.
 */
export function addCandidates(snap: Pick<StoreSnapshot, 'roomList' | 'rooms' | 'spaceEdges'>, spaceId: string, query: string): AddCandidate[] {
  const children = new Set((snap.spaceEdges[spaceId] ?? []).map((e) => e.child_id));
  const needle = query.trim().toLocaleLowerCase();
  const out: AddCandidate[] = [];
  for (const room of snap.roomList) {
    const m = room.meta;
    if (!m || room.id === spaceId || children.has(room.id)) continue;
    const successor = m.tombstone?.replacement_room;
    if (typeof successor === 'string' && snap.rooms.get(successor)?.meta) continue;
    const name = roomDisplayName(room);
    if (needle && ![name, m.canonical_alias].some((t) => t?.toLocaleLowerCase().includes(needle))) continue;
    const kind = m.creation_content?.type === 'm.space' ? 'space' : m.dm_user_id ? 'dm' : 'room';
    const blocked = kind === 'space' ? loopReason(snap, spaceId, room.id) : null;
    out.push({ roomId: room.id, name, kind, avatar: m.avatar, blocked: blocked && capitalized(blocked) });
  }
  return out;
}
