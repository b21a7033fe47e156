/**
 * What the right panel reads from a room's current state: settings as plain values, the pinned event IDs, and
 * whether our power level lets us change a given state event (m.room.power_levels' `events`, else
 * `state_default`; spec defaults when the room has no power levels) or send a given message event (`events`, else
 * `events_default`).
 */
import type { JSONObject } from '../../shared/rpc/types.ts';
import { powerLevel } from './actions.ts';
import type { RoomData } from './snapshot.ts';

export function stateContentOf(room: RoomData | undefined, type: string, key = ''): JSONObject | undefined {
  const rowid = room?.state[type]?.[key];
  return rowid === undefined ? undefined : room?.events.get(rowid)?.content;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The level needed to send a state event of this type. */
export function stateLevel(room: RoomData | undefined, type: string): number {
  return levelFor(room, type, 'state_default', 50);
}

export function canSendState(room: RoomData | undefined, userId: string | undefined, type: string): boolean {
  return !!userId && powerLevel(room, userId) >= stateLevel(room, type);
}

/**
 * The level an event of this type needs: its own entry in the power levels' `events`, else the default for its kind
 * (the spec's defaults when the room's power levels do not say). Without power levels every member may send anything
 * (the spec's defaults of 0 apply then).
 */
function levelFor(room: RoomData | undefined, type: string, defaultKey: 'state_default' | 'events_default', fallback: number): number {
  const pl = stateContentOf(room, 'm.room.power_levels');
  if (!pl) return 0;
  const events = pl.events;
  const own = events && typeof events === 'object' && !Array.isArray(events) ? events[type] : undefined;
  if (typeof own === 'number') return own;
  const byKind = pl[defaultKey];
  return typeof byKind === 'number' ? byKind : fallback;
}

/**
 * Whether our power level lets us send a message event of this type. True until the room's state is loaded (the
 * composer does not flash away while it loads); the server has the last word either way.
 */
export function canSendEvent(room: RoomData | undefined, userId: string | undefined, type: string): boolean {
  return !!userId && powerLevel(room, userId) >= levelFor(room, type, 'events_default', 0);
}

export interface RoomSettings {
  name: string;
  topic: string;
  /** `restricted` and other rules the panel does not offer show as they are, with no choice selected. */
  joinRule: string;
  historyVisibility: string;
  encrypted: boolean;
  canonicalAlias: string;
  altAliases: string[];
  /** The room's own avatar (m.room.avatar), not a DM partner's. Empty when there is none. */
  avatar: string;
}

export function roomSettings(room: RoomData | undefined): RoomSettings {
  const alias = stateContentOf(room, 'm.room.canonical_alias');
  const alt = alias?.alt_aliases;
  return {
    name: str(stateContentOf(room, 'm.room.name')?.name),
    topic: str(stateContentOf(room, 'm.room.topic')?.topic),
    joinRule: str(stateContentOf(room, 'm.room.join_rules')?.join_rule) || 'invite',
    historyVisibility: str(stateContentOf(room, 'm.room.history_visibility')?.history_visibility) || 'shared',
    encrypted: stateContentOf(room, 'm.room.encryption') !== undefined,
    canonicalAlias: str(alias?.alias),
    altAliases: Array.isArray(alt) ? alt.filter((a): a is string => typeof a === 'string') : [],
    avatar: str(stateContentOf(room, 'm.room.avatar')?.url),
  };
}

/** The room's pinned event IDs, oldest pin first as the state event lists them. */
export function pinnedEventIds(room: RoomData | undefined): string[] {
  const pinned = stateContentOf(room, 'm.room.pinned_events')?.pinned;
  return Array.isArray(pinned) ? pinned.filter((id): id is string => typeof id === 'string') : [];
}

/** The pinned list with the event added or removed, as a whole m.room.pinned_events content. */
export function togglePin(ids: readonly string[], eventId: string): { pinned: string[] } {
  return { pinned: ids.includes(eventId) ? ids.filter((id) => id !== eventId) : [...ids, eventId] };
}

/** Whether the text looks like a room alias (`#local:server`), so a typo is caught before the server is asked. */
export function isAlias(alias: string): boolean {
  return /^#[^:\s]+:\S+$/.test(alias);
}

/** `name` becomes `#name:server`; a full alias stays as typed. */
export function fullAlias(input: string, server: string): string {
  const t = input.trim();
  return t.startsWith('#') ? t : `#${t}:${server}`;
}

/** The canonical alias content with the published list changed: `main` first, then the others, no repeats. */
export function publishedContent(main: string, alt: readonly string[]): JSONObject {
  const others = [...new Set(alt.filter((a) => a !== main))];
  return { ...(main ? { alias: main } : {}), alt_aliases: others };
}
