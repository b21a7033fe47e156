/**
 * Power levels as the spec computes them (m.room.power_levels), for checks made before asking the server, so a
 * person learns in words which level an action needs instead of getting a bare M_FORBIDDEN.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';

/** Room versions where the room's creators outrank everyone (MSC4289): their level is not in power_levels. */
const CREATORS_SUPREME = new Set(['12', 'org.matrix.hydra.11']);

const obj = (v: unknown): JSONObject | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as JSONObject : undefined);

/** A user's level from a power_levels content: users[user], else users_default, else 0. */
export function userLevel(pl: JSONObject | undefined, userId: string): number {
  const own = obj(pl?.users)?.[userId];
  if (typeof own === 'number') return own;
  return typeof pl?.users_default === 'number' ? pl.users_default : 0;
}

/** The level needed to send a state event of this type: events[type], else state_default, else 50. */
export function stateLevel(pl: JSONObject | undefined, type: string): number {
  const level = obj(pl?.events)?.[type];
  if (typeof level === 'number') return level;
  return typeof pl?.state_default === 'number' ? pl.state_default : 50;
}

export interface RoomPower {
  powerLevels: JSONObject | undefined;
  /** Our level; Infinity for a creator of a room version where creators outrank everyone. */
  own: number;
}

/** Our power in a room, from its stored state. */
export function roomPower(store: Store, roomId: string, userId: string): RoomPower {
  const powerLevels = store.state.get(roomId, 'm.room.power_levels')?.content;
  const create = store.state.get(roomId, 'm.room.create');
  const version = typeof create?.content.room_version === 'string' ? create.content.room_version : '1';
  if (create && CREATORS_SUPREME.has(version)) {
    const extra = create.content.additional_creators;
    if (create.sender === userId || (Array.isArray(extra) && extra.includes(userId))) return { powerLevels, own: Infinity };
  }
  if (!powerLevels && create?.sender === userId) return { powerLevels, own: 100 }; // spec: no power_levels event yet
  return { powerLevels, own: userLevel(powerLevels, userId) };
}

/** Throws a sentence saying which level `what` needs when ours is lower. */
export function requireStateLevel(power: RoomPower, type: string, what: string): void {
  const needed = stateLevel(power.powerLevels, type);
  if (power.own < needed) throw new Error(`You cannot ${what}: it needs power level ${needed} in this room, and yours is ${power.own}.`);
}
