/**
 * What we may do to another member of a room, from its m.room.power_levels and the spec's authorization rules, and
 * the requests that do it: invite, kick, ban and unban with an optional reason, and setting a user's power level (a new
 * m.room.power_levels with only that user's entry changed). The panel shows only what these say we may do; the
 * server still decides.
 */
import type { JSONObject } from '../../shared/rpc/types.ts';
import { powerLevel } from './actions.ts';
import type { Session } from './session.ts';
import type { RoomData } from './snapshot.ts';

export interface ModerationRights {
  kick: boolean;
  ban: boolean;
  unban: boolean;
  /** We may send m.room.power_levels and change this user's entry (theirs below ours, or ourselves). */
  changePower: boolean;
  /** The highest level we may give (our own). */
  maxPower: number;
}

function stateContent(room: RoomData | undefined, type: string, key = ''): JSONObject | undefined {
  const rowid = room?.state[type]?.[key];
  return rowid === undefined ? undefined : room?.events.get(rowid)?.content;
}

function level(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The user's membership in the room (join, invite, leave, ban, knock), or undefined without a member event. */
export function membershipOf(room: RoomData | undefined, userId: string): string | undefined {
  const m = stateContent(room, 'm.room.member', userId)?.membership;
  return typeof m === 'string' ? m : undefined;
}

export function moderationRights(room: RoomData | undefined, ownUserId: string | undefined, userId: string): ModerationRights {
  const none: ModerationRights = { kick: false, ban: false, unban: false, changePower: false, maxPower: 0 };
  if (!room || !ownUserId) return none;
  const pl = stateContent(room, 'm.room.power_levels') ?? {};
  const own = powerLevel(room, ownUserId);
  const theirs = powerLevel(room, userId);
  const self = userId === ownUserId;
  const membership = membershipOf(room, userId);
  const kickLevel = level(pl.kick, 50);
  const banLevel = level(pl.ban, 50);
  const events = pl.events && typeof pl.events === 'object' && !Array.isArray(pl.events) ? pl.events : {};
  const plLevel = level(events['m.room.power_levels'], level(pl.state_default, 50));
  const outranks = !self && own > theirs;
  return {
    kick: outranks && own >= kickLevel && (membership === 'join' || membership === 'invite' || membership === 'knock'),
    ban: outranks && own >= banLevel && membership !== 'ban',
    // Lifting a ban is a leave over a ban: the ban level and the kick level both apply.
    unban: outranks && own >= banLevel && own >= kickLevel && membership === 'ban',
    changePower: own >= plLevel && (self || own > theirs) && theirs !== Number.POSITIVE_INFINITY,
    maxPower: own,
  };
}

/** Whether we may invite people: joined, at the room's invite level (0 unless the power levels say otherwise). */
export function mayInvite(room: RoomData | undefined, ownUserId: string | undefined): boolean {
  if (!room || !ownUserId || membershipOf(room, ownUserId) !== 'join') return false;
  return powerLevel(room, ownUserId) >= level(stateContent(room, 'm.room.power_levels')?.invite, 0);
}

export async function inviteUser(session: Session, roomId: string, userId: string): Promise<void> {
  await session.client.request('set_membership', { action: 'invite', room_id: roomId, user_id: userId });
}

export async function kickUser(session: Session, roomId: string, userId: string, reason: string): Promise<void> {
  await session.client.request('set_membership', { action: 'kick', room_id: roomId, user_id: userId, ...(reason.trim() ? { reason: reason.trim() } : {}) });
}

export async function banUser(session: Session, roomId: string, userId: string, reason: string): Promise<void> {
  await session.client.request('set_membership', { action: 'ban', room_id: roomId, user_id: userId, ...(reason.trim() ? { reason: reason.trim() } : {}) });
}

export async function unbanUser(session: Session, roomId: string, userId: string): Promise<void> {
  await session.client.request('set_membership', { action: 'unban', room_id: roomId, user_id: userId });
}

/** The named levels the panel offers; anything else is a custom level. */
export const POWER_PRESETS: readonly { label: string; level: number }[] = [
  { label: 'Default', level: 0 },
  { label: 'Moderator', level: 50 },
  { label: 'Admin', level: 100 },
];

/**
 * Sets the user's power level: the room's current power levels with the user's entry replaced (removed when it
 * equals users_default, so the event does not grow with every reset).
 */
export async function setPowerLevel(session: Session, room: RoomData, userId: string, newLevel: number): Promise<void> {
  if (!Number.isSafeInteger(newLevel)) throw new Error('A power level must be a whole number');
  const current = stateContent(room, 'm.room.power_levels') ?? {};
  const users: JSONObject = current.users && typeof current.users === 'object' && !Array.isArray(current.users) ? { ...current.users } : {};
  if (newLevel === level(current.users_default, 0)) delete users[userId];
  else users[userId] = newLevel;
  await session.client.request('set_state', { room_id: room.id, type: 'm.room.power_levels', state_key: '', content: { ...current, users } });
}
