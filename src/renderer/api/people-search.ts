/**
 * Finding people, as Element's invite and "Start chat" dialogs find them: first those we already know (the people of
 * our DMs, then of the rooms we share, newest first, matched on their name and user ID as the member list's filter
 * matches, ignoring case and accents), then those our homeserver's user directory finds (`search_user_directory`,
 * asked once typing pauses), each person once; a whole user ID typed that neither knows is still offered. With
 * nothing typed, the people of our most recent DMs and rooms.
 *
 * The pure parts (who we know, matching, merging) are exported for the unit tests; the dialogs use the hook.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { UserDirectoryResult } from '../../shared/rpc/responses.ts';
import { fold } from './members.ts';
import { SEARCH_DELAY_MS } from './public-rooms.ts';
import type { Session } from './session.ts';
import type { RoomData } from './snapshot.ts';

/** One person a search offers. */
export interface Person {
  readonly userId: string;
  /** Their display name, or the user ID when there is none. */
  readonly name: string;
  /** An mxc:// URI. */
  readonly avatar: string | undefined;
  /** Where they were found: one of our DMs, a room we share, the homeserver's directory, or only typed. */
  readonly source: 'dm' | 'room' | 'directory' | 'typed';
}

/** People we know shown at most, so the directory's answer still has room under them. */
export const KNOWN_SHOWN = 8;
/** People offered before anything is typed, as Element's recent conversations: a short list to pick from. */
export const RECENT_SHOWN = 6;
/** People asked of the directory (the spec's default is 10). */
export const DIRECTORY_LIMIT = 20;

/** A whole user ID (`@name:server`), trimmed, or null. */
export function typedUserId(query: string): string | null {
  const t = query.trim();
  return /^@[^:\s]+:\S+$/.test(t) ? t : null;
}

const known = new WeakMap<readonly RoomData[], Person[]>();

/**
 * Everyone we share a joined room with (joined or invited there), ourselves left out: the people of our DMs first,
 * then the others, each ordered by the newest room they are in (`rooms` is the room list, newest first). Named and
 * pictured by their member event where we hold one (the members the sync brought, or the whole list of a room
 * whose member panel was opened); a DM's partner otherwise by the room's name and picture. Memoized on the list.
 */
export function knownPeople(rooms: readonly RoomData[], ownUserId: string | null | undefined): Person[] {
  const cached = known.get(rooms);
  if (cached) return cached;
  const people = new Map<string, Person>();
  const member = (room: RoomData, userId: string) => {
    const rowid = room.state['m.room.member']?.[userId];
    return rowid === undefined ? undefined : room.events.get(rowid)?.content;
  };
  for (const room of rooms) {
    const userId = room.meta?.dm_user_id;
    if (!userId || userId === ownUserId || people.has(userId)) continue;
    const content = member(room, userId);
    const name = text(content?.displayname) ?? text(room.meta?.name) ?? userId;
    const avatar = text(content?.avatar_url) ?? (room.meta?.explicit_avatar ? undefined : text(room.meta?.avatar));
    people.set(userId, { userId, name, avatar, source: 'dm' });
  }
  for (const room of rooms) {
    for (const userId of Object.keys(room.state['m.room.member'] ?? {})) {
      if (userId === ownUserId || people.has(userId)) continue;
      const content = member(room, userId);
      if (content?.membership !== 'join' && content?.membership !== 'invite') continue;
      people.set(userId, { userId, name: text(content.displayname) ?? userId, avatar: text(content.avatar_url), source: 'room' });
    }
  }
  const list = [...people.values()];
  known.set(rooms, list);
  return list;
}

/**
 * Who to offer before anything is typed, as Element's invite and "Start chat" dialogs offer their recent
 * conversations and suggestions: the partners of our DMs, the most recently active first, then the people of the
 * rooms most recently active, at most `max` (knownPeople's order, which is just that).
 */
export function recentPeople(rooms: readonly RoomData[], ownUserId: string | null | undefined, max = RECENT_SHOWN): Person[] {
  return knownPeople(rooms, ownUserId).slice(0, max);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The people whose name or user ID contains `query`, ignoring case and accents, in their order, at most `max`. */
export function matchPeople(people: readonly Person[], query: string, max = KNOWN_SHOWN): Person[] {
  const q = fold(query.trim());
  if (!q) return [];
  const found: Person[] = [];
  for (const p of people) {
    if (fold(p.name).includes(q) || fold(p.userId).includes(q)) found.push(p);
    if (found.length >= max) break;
  }
  return found;
}

/**
 * What a search shows: the people we know who match, then the directory's (each person once; one we know keeps
 * our name for them, and takes the directory's picture when we hold none), ourselves never; then a whole user ID
 * typed that none of them is, offered as it is.
 */
export function mergePeople(matched: readonly Person[], directory: readonly UserDirectoryResult[], query: string,
  ownUserId: string | null | undefined): Person[] {
  const byId = new Map<string, Person>();
  for (const p of matched) byId.set(p.userId, p);
  for (const r of directory) {
    if (r.user_id === ownUserId) continue;
    const held = byId.get(r.user_id);
    if (held) {
      if (!held.avatar && r.avatar_url) byId.set(r.user_id, { ...held, avatar: r.avatar_url });
      continue;
    }
    byId.set(r.user_id, { userId: r.user_id, name: r.display_name ?? r.user_id, avatar: r.avatar_url, source: 'directory' });
  }
  const typed = typedUserId(query);
  if (typed && typed !== ownUserId && !byId.has(typed)) byId.set(typed, { userId: typed, name: typed, avatar: undefined, source: 'typed' });
  return [...byId.values()];
}

export interface PeopleSearch {
  /** Those found for what is typed; with nothing typed, the recent people (recentPeople). */
  readonly people: readonly Person[];
  /** The directory has not answered for what is typed now (the pause, or its answer on the way). */
  readonly searching: boolean;
  /** Why the directory could not be searched for what is typed now, in words. */
  readonly error: string | null;
}

interface DirectoryAnswer {
  readonly term: string;
  readonly results: readonly UserDirectoryResult[];
  readonly error: string | null;
}

/**
 * The people to offer for `query`: those we know at once, the directory's once typing has paused and it answered.
 * Until then the directory's last answer stays, kept to the people who still match, so the rows do not jump about
 * with every key; an answer to an older term that comes late is dropped.
 */
export function usePeopleSearch(session: Session, rooms: readonly RoomData[], ownUserId: string | undefined, query: string): PeopleSearch {
  const term = query.trim();
  const [answer, setAnswer] = useState<DirectoryAnswer | null>(null);
  useEffect(() => {
    if (!term) return;
    let live = true;
    const timer = setTimeout(() => {
      session.client.request('search_user_directory', { search_term: term, limit: DIRECTORY_LIMIT })
        .then((r) => { if (live) setAnswer({ term, results: r.results, error: null }); })
        .catch((e: unknown) => { if (live) setAnswer({ term, results: [], error: errorMessage(e) }); });
    }, SEARCH_DELAY_MS);
    return () => { live = false; clearTimeout(timer); };
  }, [session, term]);
  if (!term) return { people: recentPeople(rooms, ownUserId), searching: false, error: null };
  const current = answer?.term === term;
  const q = fold(term);
  const directory = current ? answer.results
    : (answer?.results ?? []).filter((r) => fold(r.display_name ?? '').includes(q) || fold(r.user_id).includes(q));
  const people = mergePeople(matchPeople(knownPeople(rooms, ownUserId), term), directory, term, ownUserId);
  return { people, searching: !current, error: current ? answer.error : null };
}
