/**
 * Argument grammar of slash commands: how the text after a command name is cut into arguments, and the checks
 * each kind of argument gets (user IDs, room IDs/aliases/links, event IDs/links, JSON objects, power levels).
 * Every check fails with a sentence a person can act on, because the composer shows it as is.
 */

/** The kinds of argument a command can take. `text` and `json` take the rest of the line. */
export type ArgKind =
  | 'user_id' | 'room' | 'event' | 'server' | 'word' | 'event_type' | 'state_key' | 'level' | 'order'
  | 'text' | 'json';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  /** Only for `user_id`, `server`: one or more (or, if optional, zero or more) of them. */
  readonly repeated?: boolean;
  /** What the argument means, for the usage line and autocomplete. */
  readonly description: string;
}

/** A room given by ID or alias, with the servers to join through when a link named them. */
export interface RoomRef { readonly target: string; readonly via: string[] }
/** An event, and its room when it was given as a link. */
export interface EventRef { readonly eventId: string; readonly roomId?: string }

/** Validated argument values by kind. */
export interface ArgValues {
  user_id: string; room: RoomRef; event: EventRef; server: string; word: string; event_type: string;
  state_key: string; level: number; order: number; text: string; json: Record<string, unknown>;
}
/** One parsed argument with the kind it was checked as (repeated arguments hold a list). */
export interface ParsedArg { kind: ArgKind; value: ArgValues[ArgKind] | string[] }

/** A bad argument; its message is shown to the user (with the command's usage appended by the parser). */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

// Matrix grammar (spec appendices): server name = hostname or IP literal with optional port.
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;
const USER_ID = /^@[^:\s]+:(\S+)$/;
// Room IDs before v12 carry a server part; v12 room IDs are `!` + a hash without one.
const ROOM_ID = /^![^:\s]+(?::(\S+))?$/;
const ROOM_ALIAS = /^#[^:\s]+:(\S+)$/;
const EVENT_ID = /^\$[^\s]+$/;
const MAX_ID_BYTES = 255;

function tooLong(id: string): boolean {
  return new TextEncoder().encode(id).length > MAX_ID_BYTES;
}

export function isServerName(s: string): boolean {
  return SERVER_NAME.test(s);
}

export function isUserId(s: string): boolean {
  const m = USER_ID.exec(s);
  return !!m && isServerName(m[1]) && !tooLong(s);
}

export function isRoomId(s: string): boolean {
  const m = ROOM_ID.exec(s);
  return !!m && (m[1] === undefined || isServerName(m[1])) && !tooLong(s);
}

export function isRoomAlias(s: string): boolean {
  const m = ROOM_ALIAS.exec(s);
  return !!m && isServerName(m[1]) && !tooLong(s);
}

/** What a matrix.to link or `matrix:` URI points at: its identifier(s) and `via` servers. */
interface MatrixLink { primary: string; eventId?: string; via: string[] }

function parseMatrixLink(s: string): MatrixLink | undefined {
  let ids: string[];
  let query: string;
  const matrixTo = /^https:\/\/matrix\.to\/#\/([^?]+)(?:\?(.*))?$/.exec(s);
  if (matrixTo) {
    ids = matrixTo[1].split('/').map((p) => safeDecode(p));
    query = matrixTo[2] ?? '';
  } else {
    // matrix:r/alias:server, matrix:roomid/id:server/e/event, matrix:u/user:server (MSC2312 / spec appendix).
    const uri = /^matrix:([^?#]+)(?:\?([^#]*))?/.exec(s);
    if (!uri) return undefined;
    const parts = uri[1].split('/').map((p) => safeDecode(p));
    query = uri[2] ?? '';
    ids = [];
    const sigils: Record<string, string> = { r: '#', roomid: '!', u: '@', e: '$' };
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const sigil = sigils[parts[i]];
      if (!sigil) return undefined;
      ids.push(sigil + parts[i + 1]);
    }
  }
  if (ids.length === 0 || ids.some((x) => x === undefined || x === '')) return undefined;
  const via = new URLSearchParams(query).getAll('via').filter(isServerName);
  return { primary: ids[0], eventId: ids[1]?.startsWith('$') ? ids[1] : undefined, via };
}

function safeDecode(p: string): string {
  try { return decodeURIComponent(p); } catch { return p; }
}

const validators: { [K in ArgKind]: (raw: string) => ArgValues[K] } = {
  user_id(raw) {
    const link = parseMatrixLink(raw);
    const id = link ? link.primary : raw;
    if (!isUserId(id)) throw new ArgumentError(`"${raw}" is not a user ID (like @name:example.org).`);
    return id;
  },
  room(raw) {
    const link = parseMatrixLink(raw);
    const id = link ? link.primary : raw;
    if (!isRoomId(id) && !isRoomAlias(id)) {
      throw new ArgumentError(`"${raw}" is not a room ID, alias or link (like #room:example.org or !id:example.org).`);
    }
    return { target: id, via: link?.via ?? [] };
  },
  event(raw) {
    if (EVENT_ID.test(raw)) return { eventId: raw };
    const link = parseMatrixLink(raw);
    if (link?.eventId && (isRoomId(link.primary) || isRoomAlias(link.primary)) && EVENT_ID.test(link.eventId)) {
      return isRoomId(link.primary) ? { eventId: link.eventId, roomId: link.primary } : { eventId: link.eventId };
    }
    throw new ArgumentError(`"${raw}" is not an event ID (like $abc...) or a link to an event.`);
  },
  server(raw) {
    if (!isServerName(raw)) throw new ArgumentError(`"${raw}" is not a server name (like example.org).`);
    return raw;
  },
  word(raw) {
    return raw;
  },
  event_type(raw) {
    if (tooLong(raw)) throw new ArgumentError('The event type is longer than 255 bytes.');
    return raw;
  },
  state_key(raw) {
    // A state key may be empty, which a space-separated line cannot show: "-" stands for it.
    return raw === '-' ? '' : raw;
  },
  level(raw) {
    if (!/^[+-]?\d+$/.test(raw)) throw new ArgumentError(`"${raw}" is not a power level: it must be a whole number like 50.`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new ArgumentError(`The power level ${raw} is too large.`);
    return n;
  },
  order(raw) {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new ArgumentError(`"${raw}" is not a tag order: it must be a number from 0 to 1, like 0.5.`);
    }
    return n;
  },
  text(raw) {
    return raw;
  },
  json(raw) {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new ArgumentError(`The content is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new ArgumentError('The content must be a JSON object, like {"key": "value"}.');
    }
    return v as Record<string, unknown>;
  },
};

/** Checks one argument given on its own (structured commands carry each argument separately). */
export function checkArgument<K extends ArgKind>(kind: K, raw: string): ArgValues[K] {
  return validators[kind](raw);
}

const REST_KINDS: ReadonlySet<ArgKind> = new Set(['text', 'json']);

/**
 * Cuts `input` (the text after the command name) by the command's argument list. Single-token arguments are
 * separated by whitespace; a `text` or `json` argument takes everything after the previous ones, newlines included.
 */
export function parseArguments(specs: readonly ArgSpec[], input: string): Map<string, ParsedArg> {
  const out = new Map<string, ParsedArg>();
  let rest = input.trim();
  for (const spec of specs) {
    if (REST_KINDS.has(spec.kind)) {
      if (rest === '') {
        if (!spec.optional) throw new ArgumentError(`${spec.description} is missing.`);
        continue;
      }
      out.set(spec.name, { kind: spec.kind, value: validators[spec.kind](rest) });
      rest = '';
      continue;
    }
    if (spec.repeated) {
      const values: string[] = [];
      while (rest !== '') {
        const [tok, after] = nextToken(rest);
        values.push(validators[spec.kind](tok) as string);
        rest = after;
      }
      if (values.length === 0 && !spec.optional) throw new ArgumentError(`${spec.description} is missing.`);
      out.set(spec.name, { kind: spec.kind, value: values });
      continue;
    }
    if (rest === '') {
      if (!spec.optional) throw new ArgumentError(`${spec.description} is missing.`);
      continue;
    }
    const [tok, after] = nextToken(rest);
    out.set(spec.name, { kind: spec.kind, value: validators[spec.kind](tok) });
    rest = after;
  }
  if (rest !== '') throw new ArgumentError(`Unexpected extra text: "${rest}".`);
  return out;
}

function nextToken(s: string): [string, string] {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(s);
  return m ? [m[1], m[2]] : ['', ''];
}

/** The usage line's rendering of one argument: <required>, [optional], … for repeated. */
export function formatArg(spec: ArgSpec): string {
  const label = spec.name + (spec.repeated ? '...' : '');
  return spec.optional ? `[${label}]` : `<${label}>`;
}
