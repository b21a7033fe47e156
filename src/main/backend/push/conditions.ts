/**
 * Push rule conditions: each kind the spec defines, checked against an event and its room. A condition of an
 * unknown kind never matches (the spec: a rule with one is not applied), and a malformed one neither.
 */
import type { JSONObject, JSONValue } from '../../../shared/rpc/index.ts';
import type { PushCondition, PushEvent, PushRoomContext } from './types.ts';

export function conditionMatches(c: PushCondition, ev: PushEvent, room: PushRoomContext): boolean {
  switch (c.kind) {
    case 'event_match': {
      if (typeof c.key !== 'string' || typeof c.pattern !== 'string') return false;
      const value = lookup(ev, c.key);
      if (typeof value !== 'string') return false;
      // content.body is matched word by word (a keyword anywhere in the message); other keys as a whole value.
      return c.key === 'content.body' ? globMatchesWord(c.pattern, value) : globMatchesWhole(c.pattern, value);
    }
    case 'event_property_is':
      return typeof c.key === 'string' && isScalar(c.value) && lookup(ev, c.key) === c.value;
    case 'event_property_contains': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return false;
      const value = lookup(ev, c.key);
      return Array.isArray(value) && value.some((v) => v === c.value);
    }
    case 'contains_display_name': {
      const name = room.displayName?.trim();
      const body = ev.content.body;
      return !!name && typeof body === 'string' && containsWord(body, name);
    }
    case 'room_member_count':
      return typeof c.is === 'string' && compareCount(c.is, room.memberCount);
    case 'sender_notification_permission':
      return typeof c.key === 'string' && senderMayNotify(c.key, ev.sender, room);
    default:
      return false;
  }
}

/**
 * The value at a dotted key such as `content.m\.mentions.user_ids`: dots separate levels, `\.` is a literal dot
 * and `\\` a literal backslash.
 */
export function lookup(ev: PushEvent, key: string): JSONValue | undefined {
  let cur: JSONValue | undefined = ev as unknown as JSONObject;
  for (const part of splitKey(key)) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

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

const cache = new Map<string, RegExp>();
function cached(key: string, make: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 500) cache.clear();
    re = make();
    cache.set(key, re);
  }
  return re;
}

function globMatchesWhole(glob: string, value: string): boolean {
  return cached(`w:${glob}`, () => new RegExp(`^${globSource(glob)}$`, 'isu')).test(value);
}

/** Word boundaries are any non-letter, non-digit character (or the ends), so "@room" matches "hi @room!". */
function globMatchesWord(glob: string, value: string): boolean {
  return cached(`b:${glob}`, () => new RegExp(`(?:^|[^\\p{L}\\p{N}_])${globSource(glob)}(?:[^\\p{L}\\p{N}_]|$)`, 'isu')).test(value);
}

function containsWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return cached(`d:${word}`, () => new RegExp(`(?:^|[^\\p{L}\\p{N}_])${escaped}(?:[^\\p{L}\\p{N}_]|$)`, 'iu')).test(text);
}

/** `2`, `==2`, `<2`, `>2`, `<=2`, `>=2`. */
function compareCount(is: string, count: number): boolean {
  const m = /^(==|<=|>=|<|>)?([0-9]+)$/.exec(is.trim());
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<': return count < n;
    case '>': return count > n;
    case '<=': return count <= n;
    case '>=': return count >= n;
    default: return count === n;
  }
}

/** The sender's power level reaches `notifications[key]` (default 50) in the room's power levels. */
function senderMayNotify(key: string, sender: string, room: PushRoomContext): boolean {
  if (room.creators?.includes(sender)) return true;
  const pl = room.powerLevels ?? {};
  const users = isObject(pl.users) ? pl.users : {};
  const level = toInt(users[sender]) ?? toInt(pl.users_default) ?? 0;
  const notifications = isObject(pl.notifications) ? pl.notifications : {};
  const needed = toInt(notifications[key]) ?? 50;
  return level >= needed;
}

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Power levels may be strings of digits in older rooms. */
function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
