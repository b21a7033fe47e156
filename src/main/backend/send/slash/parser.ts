/**
 * The one parser for what a user types in the composer. Plain text is a markdown message; text starting with `/`
 * is a command, checked completely before anything is sent. Two leading slashes (or a backslash before the slash)
 * send the text literally, starting with one slash, as gomuks does.
 *
 * First come gomuks' message prefixes, read in a loop the way its send_message does (`/unencrypted /me waves`);
 * `/rainbow`, `/plain` and `/html` end the loop and say how the rest is formatted. Anything else starting with `/` is
 * looked up in the command table.
 */
import type { Msgtype, MessageFormat, ParseResult, SendMessageAction, SlashContext } from './actions.ts';
import { ArgumentError, parseArguments } from './arguments.ts';
import { Args, findCommand } from './commands.ts';
import { helpText, usageOf } from './help.ts';

const COMMAND_HEAD = /^\/(\S+)(?:[ \t]+|(?=\n)|$)/;

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function message(text: string, opts: Partial<Omit<SendMessageAction, 'kind' | 'text'>> = {}): SendMessageAction {
  return { kind: 'message', text, msgtype: 'm.text', format: 'markdown', unencrypted: false, rawInputBody: false, ...opts };
}

/** Parses composer input typed in `ctx.roomId`. Never throws: bad input gives `{ ok: false, error }` in words. */
export function parseComposerInput(input: string, ctx: SlashContext): ParseResult {
  if (input.startsWith('//') || input.startsWith('\\/')) return { ok: true, action: message(input.slice(1)) };
  if (!input.startsWith('/')) {
    if (input.trim() === '') return fail('There is nothing to send.');
    return { ok: true, action: message(input) };
  }

  let text = input;
  let msgtype: Msgtype = 'm.text';
  let format: MessageFormat = 'markdown';
  let unencrypted = false;
  let rawInputBody = false;
  let timestamp: number | undefined;
  let prefixes = 0;
  let lastPrefix = '';
  for (;;) {
    const head = COMMAND_HEAD.exec(text);
    if (!head) break;
    const name = head[1].toLowerCase();
    let rest = text.slice(head[0].length);
    let done = false;
    switch (name) {
      case 'me': msgtype = 'm.emote'; break;
      case 'notice': msgtype = 'm.notice'; break;
      case 'unencrypted': unencrypted = true; break;
      case 'rawinputbody': rawInputBody = true; break;
      case 'timestamp': {
        const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
        if (!m) return fail(`The timestamp or the message is missing.\nUsage: ${usageOf('timestamp')}`);
        if (!/^\d+$/.test(m[1]) || !Number.isSafeInteger(Number(m[1]))) {
          return fail(`"${m[1]}" is not a timestamp: it must be milliseconds since 1970, like 1700000000000.`);
        }
        timestamp = Number(m[1]);
        rest = m[2];
        break;
      }
      case 'rainbow': format = 'rainbow'; done = true; break;
      case 'rainbowme': format = 'rainbow'; msgtype = 'm.emote'; done = true; break;
      case 'rainbownotice': format = 'rainbow'; msgtype = 'm.notice'; done = true; break;
      case 'plain': format = 'plain'; done = true; break;
      case 'html': format = 'html'; done = true; break;
      default: done = true; rest = text; prefixes--; break; // not a prefix: leave it for the command table
    }
    prefixes++;
    if (rest !== text) lastPrefix = name;
    text = rest;
    if (done) break;
  }

  if (prefixes > 0) {
    if (text.trim() === '') return fail(`The message text is missing.\nUsage: ${usageOf(lastPrefix)}`);
    // After a prefix, a leading slash is part of the message (gomuks does the same).
    return { ok: true, action: message(text, { msgtype, format, unencrypted, rawInputBody, ...(timestamp === undefined ? {} : { timestamp }) }) };
  }
  return runCommand(input, ctx);
}

function runCommand(input: string, ctx: SlashContext): ParseResult {
  const head = COMMAND_HEAD.exec(input);
  if (!head) return fail('Type a command name after the slash, or start with // to send text beginning with a slash.');
  const name = head[1].toLowerCase();
  const cmd = findCommand(name);
  if (!cmd) {
    return fail(`Unknown command /${head[1]}. Type /help for the list of commands, or start with // to send text beginning with a slash.`);
  }
  const rest = input.slice(head[0].length);
  try {
    const args = new Args(parseArguments(cmd.args, rest));
    if (cmd.name === 'help') {
      const topic = args.get('command', 'word');
      const help = helpText(topic);
      if (help === undefined) return fail(`There is no command /${topic?.replace(/^\//, '')}. Type /help for the list of commands.`);
      return { ok: true, action: { kind: 'output', text: help } };
    }
    return { ok: true, action: cmd.build(args, ctx) };
  } catch (e) {
    if (e instanceof ArgumentError) return fail(`/${cmd.name}: ${e.message}\nUsage: ${usageOf(cmd.name)}`);
    throw e;
  }
}
