/**
 * Push rule conditions: each kind the spec defines, checked against an event and its room. A condition of an
 * unknown kind never matches (the spec: a rule with one is not applied), and a malformed one neither.
 */
import type { JSONObject, JSONValue } from '../../../shared/rpc/index.ts';
import { isJsonObject } from '../matrix/json-shapes.ts';
import type { PushCondition, PushEvent, PushRoomContext } from './types.ts';

/** A condition made ready to test many events: keys split and globs turned into regular expressions once. */
export type CompiledCondition = (ev: PushEvent, room: PushRoomContext) => boolean;

const NEVER: CompiledCondition = () => false;

export function conditionMatches(c: PushCondition, ev: PushEvent, room: PushRoomContext): boolean {
  return compileCondition(c)(ev, room);
}

export function compileCondition(c: PushCondition): CompiledCondition {
  switch (c.kind) {
    case 'event_match': {
      if (typeof c.key !== 'string' || typeof c.pattern !== 'string') return NEVER;
      const parts = splitKey(c.key);
      // content.body is matched word by word (a keyword anywhere in the message); other keys as a whole value.
      const pattern = c.pattern;
      const re = orNever(() => c.key === 'content.body' ? wordGlob(pattern) : wholeGlob(pattern));
      return (ev) => {
        const value = lookupParts(ev, parts);
        return typeof value === 'string' && re.test(value);
      };
    }
    case 'event_property_is': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return NEVER;
      const parts = splitKey(c.key);
      const want = c.value;
      return (ev) => lookupParts(ev, parts) === want;
    }
    case 'event_property_contains': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return NEVER;
      const parts = splitKey(c.key);
      const want = c.value;
      return (ev) => {
        const value = lookupParts(ev, parts);
        return Array.isArray(value) && value.some((v) => v === want);
      };
    }
    case 'contains_display_name':
      return (ev, room) => {
        const body = ev.content.body;
        if (typeof body !== 'string') return false;
        const name = room.displayName?.trim();
        return !!name && containsWord(body, name);
      };
    case 'room_member_count': {
      const cmp = typeof c.is === 'string' ? countComparison(c.is) : undefined;
      return cmp ? (_ev, room) => cmp(room.memberCount) : NEVER;
    }
    case 'sender_notification_permission': {
      if (typeof c.key !== 'string') return NEVER;
      const key = c.key;
      return (ev, room) => senderMayNotify(key, ev.sender, room);
    }
    default:
      return NEVER;
  }
}

/** The value at a dotted key, given as its levels (splitKey). */
function lookupParts(ev: PushEvent, parts: readonly string[]): JSONValue | undefined {
  let cur: JSONValue | undefined = ev as unknown as JSONObject;
  for (const part of parts) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/**
 * A dotted key such as `content.m\.mentions.user_ids` as its levels: dots separate levels, `\.` is a literal dot
 * and `\\` a literal backslash.
 */
function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) { cur += key[++i]; continue; }
    if (ch === '.') { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
}

/** A glob (`*` any run, `?` one character) as a regular expression body, everything else literal. */
function globSource(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** What tests a string: a RegExp, or a pair of them (wordMatcher). */
interface Matcher { test(value: string): boolean }

const cache = new Map<string, Matcher>();
function cached(key: string, make: () => Matcher): Matcher {
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 500) cache.clear();
    re = orNever(make);
    cache.set(key, re);
  }
  return re;
}

const NO_MATCH: Matcher = { test: () => false };

/**
 * The matcher `make` builds, or one that never matches when one of its expressions cannot be compiled: a pattern or
 * display name tens of KB long (from the network) overflows V8's compiler, which a push rule evaluated mid-sync must
 * not throw. A rule that cannot be evaluated does not apply, as the spec has it for a malformed condition.
 */
function orNever(make: () => Matcher): Matcher {
  try {
    return make();
  } catch {
    return NO_MATCH;
  }
}

/** A RegExp compiled now rather than at its first use (V8 compiles lazily), so that one too large throws here. */
function regex(source: string, flags: string): RegExp {
  const re = new RegExp(source, flags);
  re.test('');
  re.lastIndex = 0;
  return re;
}

function wholeGlob(glob: string): Matcher {
  const re = regex(`^${globSource(glob)}$`, 'isu');
  return isAsciiLiteral(glob) ? literalMatcher(glob, re) : re;
}

/** Printable ASCII without the glob's wildcards: matched without a regular expression for ASCII values. */
const ASCII_LITERAL = /^[\x20-\x29\x2b-\x3e\x40-\x7e]*$/;
const NON_ASCII = /[^\p{ASCII}]/u;

function isAsciiLiteral(glob: string): boolean {
  return ASCII_LITERAL.test(glob);
}

/**
 * A glob without wildcards, as a whole value, case-insensitively: most rules (event types, msgtypes) are such, and
 * every event of a sync is tested against them. An ASCII value is compared lowercased, which is what the
 * expression's case folding does for ASCII; a value with other characters (some fold to ASCII letters, as the
 * Kelvin sign does to k) of the same length goes to the expression.
 */
function literalMatcher(literal: string, re: RegExp): Matcher {
  const lower = literal.toLowerCase();
  return {
    test: (value) => value === literal
      || (value.length === literal.length && (NON_ASCII.test(value) ? re.test(value) : value.toLowerCase() === lower)),
  };
}

/** Word boundaries are any non-letter, non-digit character (or the ends), so "@room" matches "hi @room!". */
function wordGlob(glob: string): Matcher {
  return wordMatcher(globSource(glob), 'isu', isAsciiLiteral(glob) ? glob : undefined);
}

/**
 * `source` as a whole word. The bounded expression is slow to run on every message (a Unicode class tried at each
 * position), so the bare one, which V8 searches for quickly and which must match wherever the bounded one does,
 * rules out most messages first. For a literal (`literal`: the text `source` stands for, without wildcards, so each
 * match has one extent) the bare one's matches are checked at their two ends instead (a user's localpart is often
 * part of longer words: "me" in "message"), and an ASCII literal in an ASCII message is found without expressions.
 */
function wordMatcher(source: string, flags: string, literal?: string): Matcher {
  const bare = regex(source, flags);
  const bounded = regex(`(?:^|[^\\p{L}\\p{N}_])${source}(?:[^\\p{L}\\p{N}_]|$)`, flags);
  if (literal === undefined) return { test: (value) => bare.test(value) && bounded.test(value) };
  const every = regex(source, `${flags}g`);
  const asciiLiteral = NON_ASCII.test(literal) ? undefined : literal.toLowerCase();
  return {
    test: (value) => {
      if (asciiLiteral !== undefined) {
        const lower = asciiLowered(value);
        if (lower !== undefined) return asciiWordIn(lower, asciiLiteral);
      }
      every.lastIndex = 0;
      for (let m = every.exec(value); m; m = every.exec(value)) {
        const end = m.index + m[0].length;
        if (!WORD_BEFORE.test(value.slice(Math.max(0, m.index - 2), m.index)) && !WORD_AFTER.test(value.slice(end, end + 2))) return true;
        // Overlapping matches too, as the bounded expression would find them (from the next character: a whole
        // surrogate pair on, or the unicode flag would step back to the same match).
        every.lastIndex = m.index + ((value.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
      }
      return false;
    },
  };
}

/**
 * The last text asciiLowered looked at, and its answer: an event's body is tested by several word rules in a row
 * (the user's name, display name, @room and any keywords), and each would otherwise scan and lowercase it again.
 */
let lastText: string | undefined;
let lastLowered: string | undefined;

/** `text` lowercased if it is all ASCII, else undefined (then the expressions decide). */
function asciiLowered(text: string): string | undefined {
  if (text !== lastText) {
    lastText = text;
    lastLowered = NON_ASCII.test(text) ? undefined : text.toLowerCase();
  }
  return lastLowered;
}

/**
 * Whether `word` occurs in `text` as a whole word, both lowercased ASCII: what the expressions find in ASCII text,
 * where case folding is lowercasing and the only letters, digits and underscore are [A-Za-z0-9_].
 */
function asciiWordIn(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
    const end = i + word.length;
    if ((i === 0 || !isAsciiWordChar(text.charCodeAt(i - 1))) && (end === text.length || !isAsciiWordChar(text.charCodeAt(end)))) return true;
    if (i >= text.length) break;
  }
  return false;
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0x41 && c <= 0x5a);
}

/** A letter, digit or underscore just before or after a match (two code units: a character outside the BMP). */
const WORD_BEFORE = /[\p{L}\p{N}_]$/u;
const WORD_AFTER = /^[\p{L}\p{N}_]/u;

/** The display name's expression is cached by name: rooms share few names, and the name changes rarely. */
function containsWord(text: string, word: string): boolean {
  return cached(word, () => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return wordMatcher(escaped, 'iu', word);
  }).test(text);
}

/** `2`, `==2`, `<2`, `>2`, `<=2`, `>=2`; undefined for anything else (it never matches). */
function countComparison(is: string): ((count: number) => boolean) | undefined {
  const m = /^(==|<=|>=|<|>)?([0-9]+)$/.exec(is.trim());
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<': return (count) => count < n;
    case '>': return (count) => count > n;
    case '<=': return (count) => count <= n;
    case '>=': return (count) => count >= n;
    default: return (count) => count === n;
  }
}

/** The sender's power level reaches `notifications[key]` (default 50) in the room's power levels. */
function senderMayNotify(key: string, sender: string, room: PushRoomContext): boolean {
  if (room.creators?.includes(sender)) return true;
  const pl = room.powerLevels ?? {};
  const users = isJsonObject(pl.users) ? pl.users : {};
  const level = toInt(users[sender]) ?? toInt(pl.users_default) ?? 0;
  const notifications = isJsonObject(pl.notifications) ? pl.notifications : {};
  const needed = toInt(notifications[key]) ?? 50;
  return level >= needed;
}

/** Power levels may be strings of digits in older rooms. */
function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
