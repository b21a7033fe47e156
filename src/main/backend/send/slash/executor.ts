/**
 * Runs a parsed slash action against a small set of operations. The operations are an interface so the executor
 * can be bound to the backend's Matrix client and sender later, and tested now with a fake. Failures come back as
 * a sentence saying what could not be done and why; nothing throws past `executeSlashAction`.
 */
import { dayInWords } from '../../../../shared/calendar-day.ts';
import type {
  MarkDMAction, PowerLevelAction, ProfileAction, SendMessageAction, SlashAction, SlashContext, TagAction,
} from './actions.ts';

type JSONObject = Record<string, unknown>;

/** Everything the executor needs from the backend. `E` is the backend's event type (the local echo). */
export interface SlashOperations<E = unknown> {
  /** Renders (markdown/plain/html/rainbow) and sends an m.room.message; resolves with the local echo. */
  sendMessage(roomId: string, message: SendMessageAction): Promise<E>;
  /** Sends a timeline event; encrypted in encrypted rooms unless `unencrypted`. Resolves with the local echo. */
  sendEvent(roomId: string, type: string, content: JSONObject, options: { unencrypted: boolean }): Promise<E>;
  /** PUT /rooms/{roomId}/state/{type}/{stateKey}; resolves with the event ID. */
  setState(roomId: string, type: string, stateKey: string, content: JSONObject): Promise<string>;
  /** Current content of a state event from the local store, or undefined if the room has none. */
  getState(roomId: string, type: string, stateKey: string): Promise<JSONObject | undefined>;
  /** invite / kick / ban / unban `userId`, or leave (ourselves) the room. */
  setMembership(roomId: string, action: 'invite' | 'kick' | 'ban' | 'unban' | 'leave', userId: string | undefined, reason: string | undefined): Promise<void>;
  /** POST /join/{roomIdOrAlias}?via=…; resolves with the room ID. */
  joinRoom(roomIdOrAlias: string, via: string[], reason: string | undefined): Promise<string>;
  /** POST /createRoom with this body; resolves with the new room ID. */
  createRoom(request: JSONObject): Promise<string>;
  /** Our global profile: displayname or avatar_url. */
  setProfileField(field: 'displayname' | 'avatar_url', value: string): Promise<void>;
  /** Account data content, global (no roomId) or of a room; undefined if unset. */
  getAccountData(type: string, roomId?: string): Promise<JSONObject | undefined>;
  setAccountData(type: string, content: JSONObject, roomId?: string): Promise<void>;
  createAlias(alias: string, roomId: string): Promise<void>;
  deleteAlias(alias: string): Promise<void>;
  resolveAlias(alias: string): Promise<{ roomId: string; servers: string[] }>;
  redact(roomId: string, eventId: string, reason: string | undefined): Promise<void>;
  /** The first event with a timeline row at or after `ts` (timestamp_to_event), or null when there is none. */
  eventAtTime(roomId: string, ts: number): Promise<string | null>;
}

export type SlashResult<E = unknown> =
  | {
    ok: true;
    /** Text for the user only (help, room ID, power levels, tags, confirmations). */
    output?: string;
    /** The room the UI should open (joined, created, or DM started). */
    openRoom?: string;
    /** The local echo, when the action sent a timeline event. */
    event?: E;
  }
  | { ok: false; error: string };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs `action`, typed by the user in `ctx.roomId`. */
export async function executeSlashAction<E>(action: SlashAction, ctx: SlashContext, ops: SlashOperations<E>): Promise<SlashResult<E>> {
  const { what, run } = plan(action, ctx, ops);
  try {
    return await run();
  } catch (e) {
    return { ok: false, error: `Could not ${what}: ${errorText(e)}` };
  }
}

interface Plan<E> { what: string; run: () => Promise<SlashResult<E>> }

/** What `action` does, in words ("invite @bob:example.org"), for a confirmation after it succeeded. */
export function describeSlashAction(action: SlashAction, ctx: SlashContext): string {
  // Only the description is read; the operations are never called.
  return plan(action, ctx, {} as SlashOperations).what;
}

async function roomOf<E>(ops: SlashOperations<E>, roomIdOrAlias: string | undefined, ctx: SlashContext): Promise<string> {
  if (roomIdOrAlias === undefined) return ctx.roomId;
  return roomIdOrAlias.startsWith('#') ? (await ops.resolveAlias(roomIdOrAlias)).roomId : roomIdOrAlias;
}

function plan<E>(action: SlashAction, ctx: SlashContext, ops: SlashOperations<E>): Plan<E> {
  switch (action.kind) {
    case 'output':
      return { what: 'show this', run: () => Promise.resolve({ ok: true, output: action.text }) };
    case 'jump_to_date':
      return {
        what: `find the first message on or after ${dayInWords(action.timestamp)}`,
        run: async () => {
          const eventId = await ops.eventAtTime(ctx.roomId, action.timestamp);
          if (eventId === null) return { ok: false, error: `Nothing was said in this room on or after ${dayInWords(action.timestamp)}.` };
          const link = `https://matrix.to/#/${encodeURIComponent(ctx.roomId)}/${encodeURIComponent(eventId)}`;
          return { ok: true, output: `The first message on or after ${dayInWords(action.timestamp)}: ${link}` };
        },
      };
    case 'message':
      return { what: 'send the message', run: async () => ({ ok: true, event: await ops.sendMessage(ctx.roomId, action) }) };
    case 'event':
      return {
        what: `send the ${action.type} event`,
        run: async () => {
          const roomId = await roomOf(ops, action.roomId, ctx);
          return { ok: true, event: await ops.sendEvent(roomId, action.type, action.content, { unencrypted: action.unencrypted }) };
        },
      };
    case 'state':
      return {
        what: `set the ${action.type} state`,
        run: async () => {
          const roomId = await roomOf(ops, action.roomId, ctx);
          await ops.setState(roomId, action.type, action.stateKey, action.content);
          return { ok: true };
        },
      };
    case 'membership': {
      const verbs = { invite: 'invite', kick: 'kick', ban: 'ban', unban: 'unban', leave: 'leave the room' } as const;
      return {
        what: action.userId ? `${verbs[action.action]} ${action.userId}` : verbs[action.action],
        run: async () => {
          await ops.setMembership(ctx.roomId, action.action, action.userId, action.reason);
          return { ok: true };
        },
      };
    }
    case 'join':
      return {
        what: action.target ? `join ${action.target}` : 'accept the invite',
        run: async () => ({ ok: true, openRoom: await ops.joinRoom(action.target ?? ctx.roomId, action.via, action.reason) }),
      };
    case 'profile':
      return { what: `set your ${action.scope === 'room' ? 'room ' : ''}${action.field === 'displayname' ? 'display name' : 'avatar'}`, run: () => setProfile(action, ctx, ops) };
    case 'tag':
      return { what: action.action === 'list' ? 'list the tags' : `${action.action} the tag ${action.tag}`, run: () => changeTags(action, ctx, ops) };
    case 'alias':
      return {
        what: `${action.action} the alias ${action.alias}`,
        run: async () => {
          const op = action.action;
          switch (op) {
            case 'add': await ops.createAlias(action.alias, ctx.roomId); return { ok: true, output: `Created alias ${action.alias}` };
            case 'remove': await ops.deleteAlias(action.alias); return { ok: true, output: `Deleted alias ${action.alias}` };
            case 'resolve': {
              const r = await ops.resolveAlias(action.alias);
              return { ok: true, output: `${action.alias} is ${r.roomId}${r.servers.length ? ` (via ${r.servers.join(', ')})` : ''}` };
            }
            default: return unreachable(op);
          }
        },
      };
    case 'power_level':
      return { what: action.level === undefined ? 'read the power levels' : 'set the power level', run: () => powerLevel(action, ctx, ops) };
    case 'create_room':
      return {
        what: 'create the room',
        run: async () => ({ ok: true, openRoom: await ops.createRoom(action.name === undefined ? {} : { name: action.name }) }),
      };
    case 'start_dm':
      return {
        what: `start a direct chat with ${action.userIds.join(', ')}`,
        run: async () => {
          const roomId = await ops.createRoom({ invite: action.userIds, is_direct: true, preset: 'trusted_private_chat' });
          // The room exists now; marking it as a DM is best effort, so a failure here must not hide the room.
          try {
            await updateDirect(ops, (direct) => {
              for (const u of action.userIds) direct[u] = [...(direct[u] ?? []).filter((r) => r !== roomId), roomId];
            });
          } catch (e) {
            return { ok: true, openRoom: roomId, output: `The room was created, but could not be marked as a direct chat: ${errorText(e)}` };
          }
          return { ok: true, openRoom: roomId };
        },
      };
    case 'mark_dm':
      return { what: action.userId ? 'mark the room as a direct chat' : 'unmark the room as a direct chat', run: () => markDM(action, ctx, ops) };
    case 'react':
      return {
        what: 'react',
        run: async () => ({
          ok: true,
          event: await ops.sendEvent(ctx.roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: action.eventId, key: action.key } }, { unencrypted: false }),
        }),
      };
    case 'redact':
      return {
        what: `redact ${action.eventId}`,
        run: async () => {
          await ops.redact(action.roomId ?? ctx.roomId, action.eventId, action.reason);
          return { ok: true };
        },
      };
    default:
      return unreachable(action);
  }
}

function unreachable(x: never): never {
  throw new Error(`unhandled slash action ${JSON.stringify(x)}`);
}

async function setProfile<E>(action: ProfileAction, ctx: SlashContext, ops: SlashOperations<E>): Promise<SlashResult<E>> {
  if (action.scope === 'global') {
    await ops.setProfileField(action.field, action.value);
    return { ok: true };
  }
  const member = await ops.getState(ctx.roomId, 'm.room.member', ctx.ownUserId);
  if (!member) return { ok: false, error: 'You have no membership in this room to change.' };
  // Keep the rest of the member event; the restricted-join signature belongs to the join and must not be resent.
  const content: JSONObject = { ...member, [action.field]: action.value };
  delete content.join_authorised_via_users_server;
  await ops.setState(ctx.roomId, 'm.room.member', ctx.ownUserId, content);
  return { ok: true };
}

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function changeTags<E>(action: TagAction, ctx: SlashContext, ops: SlashOperations<E>): Promise<SlashResult<E>> {
  const current = await ops.getAccountData('m.tag', ctx.roomId);
  const tags: JSONObject = isObject(current?.tags) ? { ...current.tags } : {};
  const op = action.action;
  switch (op) {
    case 'list': {
      const names = Object.keys(tags);
      if (names.length === 0) return { ok: true, output: 'This room has no tags.' };
      const line = (t: string) => {
        const o = isObject(tags[t]) ? tags[t].order : undefined;
        return typeof o === 'number' ? `${t} (order ${o})` : t;
      };
      return { ok: true, output: `Tags: ${names.map(line).join(', ')}` };
    }
    case 'add':
      tags[action.tag!] = action.order === undefined ? {} : { order: action.order };
      break;
    case 'remove':
      if (!(action.tag! in tags)) return { ok: false, error: `This room has no tag ${action.tag}.` };
      delete tags[action.tag!];
      break;
    default:
      return unreachable(op);
  }
  await ops.setAccountData('m.tag', { ...current, tags }, ctx.roomId);
  return { ok: true };
}

const PL_DEFAULTS: Record<string, number> = {
  ban: 50, kick: 50, redact: 50, invite: 0, state_default: 50, events_default: 0, users_default: 0,
  'notifications.room': 50,
};

async function powerLevel<E>(action: PowerLevelAction, ctx: SlashContext, ops: SlashOperations<E>): Promise<SlashResult<E>> {
  const pl = (await ops.getState(ctx.roomId, 'm.room.power_levels', '')) ?? {};
  const users = isObject(pl.users) ? pl.users : {};
  const events = isObject(pl.events) ? pl.events : {};
  const notifications = isObject(pl.notifications) ? pl.notifications : {};
  const field = (f: string) => (f === 'notifications.room' ? notifications.room : pl[f]) ?? PL_DEFAULTS[f];
  const t = action.target;
  if (!t) {
    const lines = [
      ...Object.keys(PL_DEFAULTS).map((f) => `${f}: ${JSON.stringify(field(f))}`),
      ...Object.entries(events).map(([k, v]) => `${k}: ${String(v)}`),
      ...Object.entries(users).map(([k, v]) => `${k}: ${String(v)}`),
    ];
    return { ok: true, output: `Power levels:\n${lines.join('\n')}` };
  }
  if (action.level === undefined) {
    const v = t.kind === 'user' ? users[t.userId] ?? pl.users_default ?? 0
      : t.kind === 'event' ? events[t.type] ?? pl.events_default ?? 0 : field(t.field);
    return { ok: true, output: `${t.kind === 'user' ? t.userId : t.kind === 'event' ? t.type : t.field}: ${JSON.stringify(v)}` };
  }
  const next: JSONObject = { ...pl };
  switch (t.kind) {
    case 'user': next.users = { ...users, [t.userId]: action.level }; break;
    case 'event': next.events = { ...events, [t.type]: action.level }; break;
    case 'field':
      if (t.field === 'notifications.room') next.notifications = { ...notifications, room: action.level };
      else next[t.field] = action.level;
      break;
    default: return unreachable(t);
  }
  await ops.setState(ctx.roomId, 'm.room.power_levels', '', next);
  return { ok: true };
}

/** Read-modify-write of the global m.direct map (user ID → DM room IDs). */
async function updateDirect<E>(ops: SlashOperations<E>, change: (direct: Record<string, string[]>) => void): Promise<boolean> {
  const current = (await ops.getAccountData('m.direct')) ?? {};
  const direct: Record<string, string[]> = {};
  for (const [u, rooms] of Object.entries(current)) {
    if (Array.isArray(rooms)) direct[u] = rooms.filter((r): r is string => typeof r === 'string');
  }
  const before = JSON.stringify(direct);
  change(direct);
  for (const u of Object.keys(direct)) if (direct[u].length === 0) delete direct[u];
  if (JSON.stringify(direct) === before) return false;
  await ops.setAccountData('m.direct', direct);
  return true;
}

async function markDM<E>(action: MarkDMAction, ctx: SlashContext, ops: SlashOperations<E>): Promise<SlashResult<E>> {
  const changed = await updateDirect(ops, (direct) => {
    for (const u of Object.keys(direct)) direct[u] = direct[u].filter((r) => r !== ctx.roomId);
    if (action.userId) direct[action.userId] = [...(direct[action.userId] ?? []), ctx.roomId];
  });
  if (action.userId) {
    return { ok: true, output: changed ? `Marked the room as a direct chat with ${action.userId}` : `The room is already a direct chat with ${action.userId}` };
  }
  return { ok: true, output: changed ? 'The room is no longer marked as a direct chat' : 'The room was not marked as a direct chat' };
}
