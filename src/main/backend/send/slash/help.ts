/**
 * Help texts for /help and the composer's autocomplete: every command's usage line and summary, built from the
 * same table the parser uses, so help never drifts from the grammar. Plain data in the contract's shape
 * (`SlashCommandHelp`, what `get_slash_commands` answers), so the list can be shipped to the renderer as JSON.
 */
import type { SlashCommandHelp as CommandHelp } from '../../../../shared/rpc/index.ts';
import { formatArg, type ArgSpec } from './arguments.ts';
import { MESSAGE_PREFIXES, SLASH_COMMANDS, findCommand } from './commands.ts';

function usage(name: string, args: readonly ArgSpec[]): string {
  return [`/${name}`, ...args.map(formatArg)].join(' ');
}

function describe(name: string, aliases: readonly string[], args: readonly ArgSpec[], summary: string, messagePrefix: boolean): CommandHelp {
  return {
    name, aliases: [...aliases], usage: usage(name, args), summary, messagePrefix,
    args: args.map((a) => ({ name: a.name, kind: a.kind, optional: !!a.optional, repeated: !!a.repeated, description: a.description })),
  };
}

/** Every command with its help, commands first and message prefixes after, for autocomplete. */
export function listCommands(): CommandHelp[] {
  return [
    ...SLASH_COMMANDS.map((c) => describe(c.name, c.aliases, c.args, c.summary, false)),
    ...MESSAGE_PREFIXES.map((p) => describe(p.name, [], p.args, p.summary, true)),
  ];
}

function helpOf(h: CommandHelp): string {
  const aliases = h.aliases.length ? ` (also ${h.aliases.map((a) => `/${a}`).join(', ')})` : '';
  return `${h.summary}${aliases}\nUsage: ${h.usage}`;
}

/** The usage line of a command or message prefix, for error messages. */
export function usageOf(name: string): string | undefined {
  return listCommands().find((h) => h.name === name)?.usage;
}

/** `/help`: one line per command. `/help NAME`: that command's summary and usage; undefined if unknown. */
export function helpText(name?: string): string | undefined {
  const all = listCommands();
  if (name === undefined) {
    const lines = all.map((h) => `${h.usage} — ${h.summary}`);
    return ['Commands (/help NAME for one; start a message with // to send text beginning with a slash):', ...lines].join('\n');
  }
  const n = name.replace(/^\//, '').toLowerCase();
  const cmd = findCommand(n);
  const h = all.find((x) => x.name === (cmd?.name ?? n));
  return h ? helpOf(h) : undefined;
}
