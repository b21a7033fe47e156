/**
 * Structured commands (MSC4391), as gomuks' web frontend sends them: send_message with
 * `base_content["org.matrix.msc4391.command"] = {command, arguments}` and mentions of exactly `@gomuks`. gomuks'
 * backend runs those itself instead of sending a message; this turns one into the same action the text parser
 * makes, with the same checks, so both kinds of frontend reach the same executor. Names and argument keys are
 * gomuks' (pkg/hicli/cmdspec).
 */
import type { ParseResult, SlashAction, SlashContext } from './actions.ts';
import { ArgumentError, checkArgument } from './arguments.ts';
import { avatarFromAttachment, fullAlias, powerLevelTarget } from './commands.ts';

export const COMMAND_KEY = 'org.matrix.msc4391.command';
/** The pseudo-user a structured command is addressed to when gomuks itself should run it. */
export const GOMUKS_SENDER = '@gomuks';

export interface StructuredCommand { command: string; arguments?: Record<string, unknown> }

/** The command in send_message params when it is addressed to the backend itself (gomuks' rule), else undefined. */
export function backendCommandOf(baseContent: Record<string, unknown> | undefined, mentions: Record<string, unknown> | undefined): StructuredCommand | undefined {
  const cmd = baseContent?.[COMMAND_KEY];
  const users = mentions?.user_ids;
  if (typeof cmd !== 'object' || cmd === null || !Array.isArray(users) || users.length !== 1 || users[0] !== GOMUKS_SENDER) return undefined;
  const { command, arguments: args } = cmd as { command?: unknown; arguments?: unknown };
  if (typeof command !== 'string') return undefined;
  return typeof args === 'object' && args !== null && !Array.isArray(args)
    ? { command, arguments: args as Record<string, unknown> }
    : { command };
}

/** Reads one argument: strings as given, numbers only where the command takes a number. */
class StructuredArgs {
  private readonly args: Record<string, unknown>;
  constructor(args: Record<string, unknown> | undefined) {
    this.args = args ?? {};
  }
  opt(key: string): string | undefined {
    const v = this.args[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new ArgumentError(`The ${key} must be text.`);
    return v;
  }
  req(key: string): string {
    const v = this.opt(key);
    if (v === undefined) throw new ArgumentError(`The ${key} is missing.`);
    return v;
  }
  int(key: string): number {
    const v = this.args[key];
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (typeof v === 'string') return checkArgument('level', v);
    throw new ArgumentError(v === undefined ? `The ${key} is missing.` : `The ${key} must be a whole number.`);
  }
}

function membership(action: 'invite' | 'kick' | 'ban', a: StructuredArgs): SlashAction {
  return { kind: 'membership', action, userId: checkArgument('user_id', a.req('user_id')), reason: a.opt('reason') };
}

function build(name: string, a: StructuredArgs, ctx: SlashContext): SlashAction {
  switch (name) {
    case 'join': case 'open': {
      const room = checkArgument('room', a.req('room_reference'));
      const reason = a.opt('reason');
      return { kind: 'join', target: room.target, via: room.via, ...(reason === undefined ? {} : { reason }) };
    }
    case 'leave': case 'part': return { kind: 'membership', action: 'leave', reason: undefined };
    case 'invite': case 'kick': case 'ban': return membership(name, a);
    case 'myroomnick': case 'roomnick': return { kind: 'profile', scope: 'room', field: 'displayname', value: a.req('name') };
    case 'globalnick': case 'globalname': return { kind: 'profile', scope: 'global', field: 'displayname', value: a.req('name') };
    case 'myroomavatar': return { kind: 'profile', scope: 'room', field: 'avatar_url', value: avatarFromAttachment(ctx) };
    case 'globalavatar': return { kind: 'profile', scope: 'global', field: 'avatar_url', value: avatarFromAttachment(ctx) };
    case 'roomname': return { kind: 'state', type: 'm.room.name', stateKey: '', content: { name: a.req('name') } };
    case 'roomavatar': return { kind: 'state', type: 'm.room.avatar', stateKey: '', content: { url: avatarFromAttachment(ctx) } };
    case 'redact': {
      const ref = checkArgument('event', a.req('event_id'));
      const reason = a.opt('reason');
      return { kind: 'redact', eventId: ref.eventId, ...(ref.roomId ? { roomId: ref.roomId } : {}), ...(reason ? { reason } : {}) };
    }
    case 'raw': case 'unencryptedraw':
      return { kind: 'event', type: checkArgument('event_type', a.req('event_type')), content: checkArgument('json', a.opt('json') ?? '{}'), unencrypted: name === 'unencryptedraw' };
    case 'rawstate':
      return {
        kind: 'state', type: checkArgument('event_type', a.req('event_type')), stateKey: a.opt('state_key') ?? '',
        content: checkArgument('json', a.opt('json') ?? '{}'),
      };
    case 'alias add': case 'alias create': return { kind: 'alias', action: 'add', alias: fullAlias(a.req('name'), ctx) };
    case 'alias del': case 'alias remove': case 'alias rm': case 'alias delete':
      return { kind: 'alias', action: 'remove', alias: fullAlias(a.req('name'), ctx) };
    case 'converttodm': {
      // gomuks guesses the other user from the room's heroes; Lattice asks, since a wrong guess marks the wrong DM.
      const user = a.opt('other_user');
      if (user === undefined) throw new ArgumentError('Give the user this room is a direct chat with.');
      return { kind: 'mark_dm', userId: checkArgument('user_id', user) };
    }
    case 'converttoroom': return { kind: 'mark_dm' };
    case 'powerlevel': {
      const target = powerLevelTarget(a.req('thing'));
      return { kind: 'power_level', target, level: a.int('value') };
    }
    case 'discardsession': throw new ArgumentError('Encryption is not available in Lattice yet, so there is no session to discard.');
    case 'devtools': throw new ArgumentError('The room state explorer is part of the frontend; this backend has nothing to run for it.');
    case 'poll': throw new ArgumentError('Polls are not supported by Lattice yet.');
    case 'meow': return { kind: 'output', text: `Meow ${a.opt('meow') ?? ''}`.trim() };
    default: throw new ArgumentError(`Unknown command "${name}".`);
  }
}

/** Parses a structured command addressed to the backend. Never throws: bad input gives `{ ok: false, error }`. */
export function parseStructuredCommand(cmd: StructuredCommand, ctx: SlashContext): ParseResult {
  const name = cmd.command.trim().toLowerCase().replace(/\s+/g, ' ');
  try {
    return { ok: true, action: build(name, new StructuredArgs(cmd.arguments), ctx) };
  } catch (e) {
    if (e instanceof ArgumentError) return { ok: false, error: `/${name}: ${e.message}` };
    throw e;
  }
}
