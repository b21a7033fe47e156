/**
 * The roles-and-permissions model behind the room settings panel: m.room.power_levels read into plain values
 * (spec defaults for what is missing), the users whose level differs from the default, the levels the common
 * actions need, and the whole new content after one change, so a save sends the room's power levels with only
 * that change. Also the spec's rules for what we may change: nobody is raised above our own level, and nobody at
 * or above our level is changed but ourselves. Pure, so it is unit-tested.
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';

/** The actions the panel offers, each with where its level lives in the content. */
export type PowerAction = 'send' | 'invite' | 'kick' | 'ban' | 'redact' | 'settings' | 'notify_room';

export const POWER_ACTIONS: readonly { action: PowerAction; label: string }[] = [
  { action: 'send', label: 'Send messages' },
  { action: 'invite', label: 'Invite people' },
  { action: 'kick', label: 'Remove people' },
  { action: 'ban', label: 'Ban people' },
  { action: 'redact', label: "Delete others' messages" },
  { action: 'settings', label: 'Change settings' },
  { action: 'notify_room', label: 'Notify everyone (@room)' },
];

/** The named roles; other levels are shown as "Custom (N)". */
export const ROLES: readonly { level: number; name: string }[] = [
  { level: 100, name: 'Admin' },
  { level: 50, name: 'Moderator' },
  { level: 0, name: 'Default' },
];

export function roleName(level: number): string {
  if (level === Number.POSITIVE_INFINITY) return 'Creator';
  return ROLES.find((r) => r.level === level)?.name ?? `Custom (${level})`;
}

const obj = (v: JSONValue | undefined): JSONObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined);
const num = (v: JSONValue | undefined, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export interface PowerLevels {
  usersDefault: number;
  /** Users listed with their own level. */
  users: ReadonlyMap<string, number>;
  /** The level each of the panel's actions needs. */
  actions: Readonly<Record<PowerAction, number>>;
}

/**
 * Reads the content. Without a power levels event the spec's defaults apply (the creator at 100, everything else
 * 0); with one, missing fields take the spec's defaults for an existing event (state 50, kick/ban/redact 50,
 * invite 0, @room 50).
 */
export function readPowerLevels(content: JSONObject | undefined): PowerLevels {
  const c = content ?? {};
  const users = new Map<string, number>();
  for (const [id, level] of Object.entries(obj(c.users) ?? {})) if (typeof level === 'number') users.set(id, level);
  const events = obj(c.events) ?? {};
  const eventsDefault = num(c.events_default, 0);
  const stateDefault = num(c.state_default, content ? 50 : 0);
  return {
    usersDefault: num(c.users_default, 0),
    users,
    actions: {
      send: num(events['m.room.message'], eventsDefault),
      invite: num(c.invite, 0),
      kick: num(c.kick, 50),
      ban: num(c.ban, 50),
      redact: num(c.redact, 50),
      settings: stateDefault,
      notify_room: num(obj(c.notifications)?.room, 50),
    },
  };
}

/**
 * The room's creators when they outrank everyone (room version 12 and later): the create event's sender and its
 * additional_creators. They are not in the power levels and nobody can change them.
 */
export function roomCreators(create: JSONObject | undefined, createSender: string | undefined): string[] {
  if (!create || !createSender || !(Number(create.room_version ?? '1') >= 12)) return [];
  const extra = Array.isArray(create.additional_creators) ? create.additional_creators.filter((u): u is string => typeof u === 'string') : [];
  return [...new Set([createSender, ...extra])];
}

/** Users whose level is not the default, highest first, then by ID. */
export function privilegedUsers(pl: PowerLevels): { userId: string; level: number }[] {
  return [...pl.users].filter(([, level]) => level !== pl.usersDefault)
    .map(([userId, level]) => ({ userId, level }))
    .sort((a, b) => b.level - a.level || a.userId.localeCompare(b.userId));
}

/** The content with the user's level changed; the default level removes their entry. */
export function withUserLevel(content: JSONObject | undefined, userId: string, level: number): JSONObject {
  const c = { ...(content ?? {}) };
  const users = { ...(obj(c.users) ?? {}) };
  if (level === num(c.users_default, 0)) delete users[userId];
  else users[userId] = level;
  c.users = users;
  return c;
}

/** The content with the level an action needs changed. "Send messages" is the level for m.room.message. */
export function withActionLevel(content: JSONObject | undefined, action: PowerAction, level: number): JSONObject {
  const c = { ...(content ?? {}) };
  switch (action) {
    case 'send': {
      c.events = { ...(obj(c.events) ?? {}), 'm.room.message': level };
      break;
    }
    case 'invite': case 'kick': case 'ban': case 'redact': c[action] = level; break;
    case 'settings': c.state_default = level; break;
    case 'notify_room': c.notifications = { ...(obj(c.notifications) ?? {}), room: level }; break;
    default: { const never: never = action; return never; }
  }
  return c;
}

/** Whether we may change a user's level: our own always (down), others' only below ours. */
export function canChangeUser(ownLevel: number, ownUserId: string | undefined, userId: string, theirLevel: number): boolean {
  return userId === ownUserId || theirLevel < ownLevel;
}

/** Whether we may change what an action needs: only a level at or below ours. */
export function canChangeAction(ownLevel: number, current: number): boolean {
  return current <= ownLevel;
}

/** The levels we may give: the named roles up to our own, plus the current value so it stays selectable. */
export function levelChoices(ownLevel: number, current: number): number[] {
  const levels = new Set(ROLES.map((r) => r.level).filter((l) => l <= ownLevel));
  if (Number.isFinite(current)) levels.add(current);
  return [...levels].sort((a, b) => b - a);
}
