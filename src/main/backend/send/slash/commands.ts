/**
 * The table of slash commands: name, aliases, argument grammar, one-line help, and how validated arguments become
 * an action. Names follow gomuks (its web commands and its legacy command list); the message prefixes that gomuks
 * interprets inside send_message text (/me, /notice, /plain, ...) are listed here for help, and parsed by parser.ts
 * because they chain (`/unencrypted /me waves`).
 */
import { parseDay } from '../../../../shared/calendar-day.ts';
import type { SlashAction, SlashContext } from './actions.ts';
import { ArgumentError, checkArgument, isRoomAlias, type ArgKind, type ArgSpec, type ArgValues, type ParsedArg, type EventRef, type RoomRef } from './arguments.ts';

/** Validated arguments of one invocation, read by name with the kind the command declared. */
export class Args {
  private readonly values: Map<string, ParsedArg>;
  constructor(values: Map<string, ParsedArg>) {
    this.values = values;
  }
  /** The value of `name`, read as `kind`; reading it as another kind than it was checked as is a bug here. */
  get<K extends ArgKind>(name: string, kind: K): ArgValues[K] | undefined {
    const arg = this.values.get(name);
    if (arg === undefined) return undefined;
    if (arg.kind !== kind) throw new Error(`slash argument ${name} is a ${arg.kind}, read as ${kind}`);
    return arg.value as ArgValues[K];
  }
  req<K extends ArgKind>(name: string, kind: K): ArgValues[K] {
    const v = this.get(name, kind);
    if (v === undefined) throw new ArgumentError(`The ${name} is missing.`);
    return v;
  }
  list(name: string): string[] {
    const v = this.values.get(name)?.value;
    return Array.isArray(v) ? v : [];
  }
}

export interface SlashCommand {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly args: readonly ArgSpec[];
  /** One line: what the command does. */
  readonly summary: string;
  /** Builds the action; throws ArgumentError for input the argument grammar alone cannot reject. */
  build(args: Args, ctx: SlashContext): SlashAction;
}

const arg = (name: string, kind: ArgKind, description: string, extra: Partial<ArgSpec> = {}): ArgSpec =>
  ({ name, kind, description, ...extra });
const optional = (name: string, kind: ArgKind, description: string, extra: Partial<ArgSpec> = {}): ArgSpec =>
  arg(name, kind, description, { ...extra, optional: true });

const USER = arg('user_id', 'user_id', 'User ID');
const REASON = optional('reason', 'text', 'Reason');

/** The server part of our own user ID: alias shorthands (`/alias add foo`) live there. */
function ownServer(ctx: SlashContext): string {
  return ctx.ownUserId.slice(ctx.ownUserId.indexOf(':') + 1);
}

export function fullAlias(name: string, ctx: SlashContext): string {
  const alias = name.startsWith('#') ? name : `#${name}:${ownServer(ctx)}`;
  if (!isRoomAlias(alias)) throw new ArgumentError(`"${name}" is not a room alias (like #room:example.org, or just room).`);
  return alias;
}

export function avatarFromAttachment(ctx: SlashContext): string {
  const a = ctx.attachment;
  if (!a || a.msgtype !== 'm.image' || !a.url) throw new ArgumentError('Attach an image to use as the avatar.');
  if (a.encrypted) throw new ArgumentError('The attached image must be unencrypted to be used as an avatar.');
  return a.url;
}

function targetEvent(ref: EventRef | undefined, ctx: SlashContext, what: string): EventRef {
  if (ref) return ref;
  if (ctx.replyTo) return { eventId: ctx.replyTo };
  throw new ArgumentError(`Give the event ID or link of the message to ${what}, or reply to it first.`);
}

const membership = (action: 'invite' | 'kick' | 'ban' | 'unban', summary: string): SlashCommand => ({
  name: action, aliases: [], args: [USER, REASON], summary,
  build: (a) => ({ kind: 'membership', action, userId: a.req('user_id', 'user_id'), reason: a.get('reason', 'text') }),
});

const POWER_LEVEL_FIELDS = new Set([
  'ban', 'kick', 'redact', 'invite', 'state_default', 'events_default', 'users_default', 'notifications.room',
]);

type PowerLevelTarget = NonNullable<Extract<SlashAction, { kind: 'power_level' }>['target']>;

/** What a /powerlevel target names: a user ID, a top-level field, or an event type (it has a dot). */
export function powerLevelTarget(raw: string): PowerLevelTarget {
  if (raw.startsWith('@')) return { kind: 'user', userId: checkArgument('user_id', raw) };
  if (POWER_LEVEL_FIELDS.has(raw)) return { kind: 'field', field: raw };
  if (raw.includes('.')) return { kind: 'event', type: raw };
  throw new ArgumentError(`"${raw}" is not a user ID, an event type or one of: ${[...POWER_LEVEL_FIELDS].join(', ')}.`);
}

/** Every command, in the order /help lists them. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [
  {
    name: 'help', aliases: [], args: [optional('command', 'word', 'Command name')],
    summary: 'Show the list of commands, or the help of one command',
    // The parser answers /help itself (it needs the whole table); this is only its grammar.
    build: () => ({ kind: 'output', text: '' }),
  },
  {
    name: 'join', aliases: [],
    args: [arg('room', 'room', 'Room ID, alias or link'), optional('servers', 'server', 'Server to join through', { repeated: true })],
    summary: 'Join a room by ID, alias or link, optionally through the given servers',
    build: (a) => {
      const room: RoomRef = a.req('room', 'room');
      return { kind: 'join', target: room.target, via: [...new Set([...room.via, ...a.list('servers')])] };
    },
  },
  {
    name: 'accept', aliases: [], args: [], summary: 'Accept the invite to the current room',
    build: () => ({ kind: 'join', via: [] }),
  },
  {
    name: 'reject', aliases: [], args: [REASON], summary: 'Reject the invite to the current room',
    build: (a) => ({ kind: 'membership', action: 'leave', reason: a.get('reason', 'text') }),
  },
  {
    name: 'leave', aliases: ['part'], args: [REASON], summary: 'Leave the current room',
    build: (a) => ({ kind: 'membership', action: 'leave', reason: a.get('reason', 'text') }),
  },
  membership('invite', 'Invite a user to the current room'),
  membership('kick', 'Kick a user from the current room'),
  membership('ban', 'Ban a user from the current room'),
  membership('unban', 'Unban a user from the current room'),
  {
    name: 'myroomnick', aliases: ['roomnick'], args: [arg('name', 'text', 'New display name')],
    summary: 'Set your display name in the current room',
    build: (a) => ({ kind: 'profile', scope: 'room', field: 'displayname', value: a.req('name', 'text') }),
  },
  {
    name: 'globalnick', aliases: ['globalname'], args: [arg('name', 'text', 'New display name')],
    summary: 'Set your global display name',
    build: (a) => ({ kind: 'profile', scope: 'global', field: 'displayname', value: a.req('name', 'text') }),
  },
  {
    name: 'myroomavatar', aliases: [], args: [], summary: 'Set your avatar in the current room to the attached image',
    build: (_a, ctx) => ({ kind: 'profile', scope: 'room', field: 'avatar_url', value: avatarFromAttachment(ctx) }),
  },
  {
    name: 'globalavatar', aliases: [], args: [], summary: 'Set your global avatar to the attached image',
    build: (_a, ctx) => ({ kind: 'profile', scope: 'global', field: 'avatar_url', value: avatarFromAttachment(ctx) }),
  },
  {
    name: 'roomname', aliases: [], args: [arg('name', 'text', 'New room name')], summary: 'Set the current room name',
    build: (a) => ({ kind: 'state', type: 'm.room.name', stateKey: '', content: { name: a.req('name', 'text') } }),
  },
  {
    name: 'roomavatar', aliases: [], args: [], summary: 'Set the current room avatar to the attached image',
    build: (_a, ctx) => ({ kind: 'state', type: 'm.room.avatar', stateKey: '', content: { url: avatarFromAttachment(ctx) } }),
  },
  {
    name: 'tag', aliases: [], args: [arg('tag', 'word', 'Tag (m.favourite, m.lowpriority or u.anything)'), optional('order', 'order', 'Order from 0 to 1')],
    summary: 'Add the current room to a tag; rooms sort by ascending order',
    build: (a) => {
      const order = a.get('order', 'order');
      return { kind: 'tag', action: 'add', tag: a.req('tag', 'word'), ...(order === undefined ? {} : { order }) };
    },
  },
  {
    name: 'untag', aliases: [], args: [arg('tag', 'word', 'Tag')], summary: 'Remove the current room from a tag',
    build: (a) => ({ kind: 'tag', action: 'remove', tag: a.req('tag', 'word') }),
  },
  {
    name: 'tags', aliases: [], args: [], summary: 'List the tags of the current room',
    build: () => ({ kind: 'tag', action: 'list' }),
  },
  {
    name: 'alias', aliases: [],
    args: [arg('action', 'word', 'add, del or resolve'), arg('name', 'word', 'Alias, or its name on your server')],
    summary: 'Add or delete an alias (#name:your.server) of the current room, or resolve one to its room ID',
    build: (a, ctx) => {
      const action = a.req('action', 'word').toLowerCase();
      const alias = fullAlias(a.req('name', 'word'), ctx);
      switch (action) {
        case 'add': case 'create': return { kind: 'alias', action: 'add', alias };
        case 'del': case 'delete': case 'remove': case 'rm': return { kind: 'alias', action: 'remove', alias };
        case 'resolve': return { kind: 'alias', action: 'resolve', alias };
        default: throw new ArgumentError(`Unknown alias action "${action}": use add, del or resolve.`);
      }
    },
  },
  {
    name: 'powerlevel', aliases: ['pl'],
    args: [optional('target', 'word', 'User ID, event type or field (ban, kick, redact, invite, ...)'), optional('level', 'level', 'Power level')],
    summary: 'Show the power levels of the current room, or set one for a user, an event type or an action',
    build: (a) => {
      const raw = a.get('target', 'word');
      const level = a.get('level', 'level');
      if (raw === undefined) return { kind: 'power_level' };
      const target = powerLevelTarget(raw);
      return level === undefined ? { kind: 'power_level', target } : { kind: 'power_level', target, level };
    },
  },
  {
    name: 'send', aliases: [],
    args: [arg('room', 'room', 'Room ID or alias'), arg('type', 'event_type', 'Event type'), arg('content', 'json', 'Content as JSON')],
    summary: 'Send a custom event to a room',
    build: (a) => ({ kind: 'event', roomId: a.req('room', 'room').target, type: a.req('type', 'event_type'), content: a.req('content', 'json'), unencrypted: false }),
  },
  {
    name: 'setstate', aliases: [],
    args: [arg('room', 'room', 'Room ID or alias'), arg('type', 'event_type', 'Event type'), arg('state_key', 'state_key', 'State key (- for empty)'), arg('content', 'json', 'Content as JSON')],
    summary: 'Set a state event in a room',
    build: (a) => ({ kind: 'state', roomId: a.req('room', 'room').target, type: a.req('type', 'event_type'), stateKey: a.req('state_key', 'state_key'), content: a.req('content', 'json') }),
  },
  {
    name: 'msend', aliases: [],
    args: [arg('type', 'event_type', 'Event type'), arg('content', 'json', 'Content as JSON')],
    summary: 'Send a custom event to the current room',
    build: (a) => ({ kind: 'event', type: a.req('type', 'event_type'), content: a.req('content', 'json'), unencrypted: false }),
  },
  {
    name: 'msetstate', aliases: [],
    args: [arg('type', 'event_type', 'Event type'), arg('state_key', 'state_key', 'State key (- for empty)'), arg('content', 'json', 'Content as JSON')],
    summary: 'Set a state event in the current room',
    build: (a) => ({ kind: 'state', type: a.req('type', 'event_type'), stateKey: a.req('state_key', 'state_key'), content: a.req('content', 'json') }),
  },
  {
    name: 'raw', aliases: [],
    args: [arg('type', 'event_type', 'Event type'), optional('content', 'json', 'Content as JSON (default {})')],
    summary: 'Send a raw timeline event to the current room',
    build: (a) => ({ kind: 'event', type: a.req('type', 'event_type'), content: a.get('content', 'json') ?? {}, unencrypted: false }),
  },
  {
    name: 'unencryptedraw', aliases: [],
    args: [arg('type', 'event_type', 'Event type'), optional('content', 'json', 'Content as JSON (default {})')],
    summary: 'Send a raw timeline event to the current room, unencrypted',
    build: (a) => ({ kind: 'event', type: a.req('type', 'event_type'), content: a.get('content', 'json') ?? {}, unencrypted: true }),
  },
  {
    name: 'rawstate', aliases: [],
    args: [arg('type', 'event_type', 'Event type'), arg('state_key', 'state_key', 'State key (- for empty)'), optional('content', 'json', 'Content as JSON (default {})')],
    summary: 'Send a raw state event to the current room',
    build: (a) => ({ kind: 'state', type: a.req('type', 'event_type'), stateKey: a.req('state_key', 'state_key'), content: a.get('content', 'json') ?? {} }),
  },
  {
    name: 'jumptodate', aliases: [], args: [arg('date', 'word', 'Day (YYYY-MM-DD)')],
    summary: 'Jump to the first message on or after a day',
    build: (a) => {
      const day = a.req('date', 'word');
      const timestamp = parseDay(day);
      if (timestamp === null) throw new ArgumentError(`"${day}" is not a day: write it as YYYY-MM-DD, such as 2026-03-03.`);
      return { kind: 'jump_to_date', timestamp };
    },
  },
  {
    name: 'id', aliases: [], args: [], summary: 'Show the current room ID',
    build: (_a, ctx) => ({ kind: 'output', text: ctx.roomId }),
  },
  {
    name: 'create', aliases: [], args: [optional('name', 'text', 'Room name')], summary: 'Create a new room',
    build: (a) => {
      const name = a.get('name', 'text');
      return name === undefined ? { kind: 'create_room' } : { kind: 'create_room', name };
    },
  },
  {
    name: 'pm', aliases: ['dm'], args: [arg('user_ids', 'user_id', 'User ID', { repeated: true })],
    summary: 'Start a direct chat with the given users',
    build: (a, ctx) => {
      const userIds = [...new Set(a.list('user_ids'))];
      if (userIds.includes(ctx.ownUserId)) throw new ArgumentError('You cannot start a direct chat with yourself.');
      return { kind: 'start_dm', userIds };
    },
  },
  {
    name: 'converttodm', aliases: [], args: [USER], summary: 'Mark the current room as a direct chat with a user',
    build: (a) => ({ kind: 'mark_dm', userId: a.req('user_id', 'user_id') }),
  },
  {
    name: 'converttoroom', aliases: [], args: [], summary: 'Stop marking the current room as a direct chat',
    build: () => ({ kind: 'mark_dm' }),
  },
  {
    name: 'react', aliases: [], args: [arg('reaction', 'text', 'Reaction (emoji or text), after an optional event ID')],
    summary: 'React to the message you are replying to (or to the event ID given first)',
    build: (a, ctx) => {
      const text = a.req('reaction', 'text');
      const m = /^(\$\S+)\s+([\s\S]+)$/.exec(text);
      const target = targetEvent(m ? { eventId: m[1] } : undefined, ctx, 'react to');
      const key = (m ? m[2] : text).trim();
      return { kind: 'react', eventId: target.eventId, key };
    },
  },
  {
    name: 'redact', aliases: ['delete'],
    args: [optional('event', 'word', 'Event ID or link (default: the message you reply to)'), optional('reason', 'text', 'Reason')],
    summary: 'Redact (delete) an event, with an optional reason',
    build: (a, ctx) => {
      const first = a.get('event', 'word');
      const rest = a.get('reason', 'text');
      let ref: EventRef | undefined;
      let reason = [first, rest].filter((x) => x !== undefined).join(' ');
      // Without an event ID or link first, every word is the reason for redacting the replied-to message.
      if (first !== undefined && (first.startsWith('$') || /^(https:\/\/matrix\.to\/|matrix:)/.test(first))) {
        ref = checkArgument('event', first);
        reason = rest ?? '';
      }
      const target = targetEvent(ref, ctx, 'redact');
      return {
        kind: 'redact', eventId: target.eventId,
        ...(target.roomId ? { roomId: target.roomId } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      };
    },
  },
];

/** The prefixes gomuks' backend reads inside send_message text. They chain, and the rest is the message. */
export interface MessagePrefix {
  readonly name: string;
  readonly summary: string;
  /** Whether text follows (false for none; all of these need text after them). */
  readonly args: readonly ArgSpec[];
}

const MESSAGE = arg('text', 'text', 'Message text');
export const MESSAGE_PREFIXES: readonly MessagePrefix[] = [
  { name: 'me', summary: 'Send an emote (m.emote)', args: [MESSAGE] },
  { name: 'notice', summary: 'Send a notice (m.notice), as bots do', args: [MESSAGE] },
  { name: 'plain', summary: 'Send text as is, without markdown', args: [MESSAGE] },
  { name: 'html', summary: 'Send raw HTML as the formatted body', args: [MESSAGE] },
  { name: 'rainbow', summary: 'Send rainbow-coloured text', args: [MESSAGE] },
  { name: 'rainbowme', summary: 'Send a rainbow-coloured emote', args: [MESSAGE] },
  { name: 'rainbownotice', summary: 'Send a rainbow-coloured notice', args: [MESSAGE] },
  { name: 'unencrypted', summary: 'Send the message unencrypted, even in an encrypted room', args: [MESSAGE] },
  { name: 'rawinputbody', summary: 'Use the typed text as the plain body, not the rendered markdown', args: [MESSAGE] },
  { name: 'timestamp', summary: 'Send with the given timestamp (milliseconds; needs appservice rights)', args: [arg('ms', 'level', 'Timestamp in milliseconds'), MESSAGE] },
];

/** Finds a command by name or alias, case-insensitively. */
export function findCommand(name: string): SlashCommand | undefined {
  const n = name.toLowerCase();
  return SLASH_COMMANDS.find((c) => c.name === n || c.aliases.includes(n));
}
