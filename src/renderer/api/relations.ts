/**
 * Looking events up by what points at them: a reply's target by event ID, and our own reactions to an event (to
 * show a reaction as pressed, and to know what to redact when it is clicked again). Each index is built once per
 * `events` map (a WeakMap keyed on it), so rows that ask during one render share the work.
 */
import type { Event, EventRowID, JSONValue } from '../../shared/rpc/types.ts';
import { NOT_SENT } from '../../shared/rpc/types.ts';
import type { RoomData } from './snapshot.ts';
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';

const byIdMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, Map<string, Event>>();

export function selectEventById(room: RoomData | undefined, eventId: string): Event | undefined {
  if (!room) return undefined;
  let index = byIdMemo.get(room.events);
  if (!index) {
    index = new Map();
    for (const e of room.events.values()) index.set(e.event_id, e);
    byIdMemo.set(room.events, index);
  }
  return index.get(eventId);
}

/** target event ID → reaction key → our m.reaction event. */
type OwnReactions = Map<string, Map<string, Event>>;
const reactionsMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, { userId: string; index: OwnReactions }>();
const NONE: ReadonlyMap<string, Event> = new Map();

/** What a reaction (m.annotation) points at and its key; undefined for any other event. */
export function annotation(e: Event): { target: string; key: string } | undefined {
  const rel = e.content['m.relates_to'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) return undefined;
  const r = rel as Record<string, JSONValue>;
  if (r.rel_type !== 'm.annotation' || typeof r.event_id !== 'string' || typeof r.key !== 'string') return undefined;
  return { target: r.event_id, key: r.key };
}

/** Our own (not redacted) reactions to `eventId`, by key. */
export function selectOwnReactions(room: RoomData | undefined, userId: string | undefined, eventId: string): ReadonlyMap<string, Event> {
  if (!room || !userId) return NONE;
  let memo = reactionsMemo.get(room.events);
  if (!memo || memo.userId !== userId) {
    const index: OwnReactions = new Map();
    for (const e of room.events.values()) {
      // Our reaction's remote echo in an encrypted room is m.room.encrypted, m.reaction once decrypted.
      if (effectiveType(e) !== 'm.reaction' || e.sender !== userId || e.redacted_by) continue;
      const a = annotation(e);
      if (!a) continue;
      let keys = index.get(a.target);
      if (!keys) {
        keys = new Map<string, Event>();
        index.set(a.target, keys);
      }
      keys.set(a.key, e);
    }
    memo = { userId, index };
    reactionsMemo.set(room.events, memo);
  }
  return memo.index.get(eventId) ?? NONE;
}

/** target event ID → reaction key → who reacted (in the order we hold their reactions). */
type Reactors = Map<string, Map<string, string[]>>;
const reactorsMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, Reactors>();
const NO_REACTORS: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Who reacted to `eventId` with each key, from the m.reaction events we hold (the counts come from the backend and
 * may include reactions from history we have not loaded; the tooltip then says how many more).
 */
export function selectReactors(room: RoomData | undefined, eventId: string): ReadonlyMap<string, readonly string[]> {
  if (!room) return NO_REACTORS;
  let index = reactorsMemo.get(room.events);
  if (!index) {
    index = new Map();
    for (const e of room.events.values()) {
      if (effectiveType(e) !== 'm.reaction' || e.redacted_by) continue;
      const a = annotation(e);
      if (!a) continue;
      let keys = index.get(a.target);
      if (!keys) {
        keys = new Map<string, string[]>();
        index.set(a.target, keys);
      }
      const senders = keys.get(a.key) ?? [];
      if (!senders.includes(e.sender)) senders.push(e.sender);
      keys.set(a.key, senders);
    }
    reactorsMemo.set(room.events, index);
  }
  return index.get(eventId) ?? NO_REACTORS;
}

/** target event ID → custom emoji reaction key (its mxc:// URL) → the `:shortcode:` a reaction with it named. */
const shortcodesMemo = new WeakMap<ReadonlyMap<EventRowID, Event>, Map<string, Map<string, string>>>();
const NO_SHORTCODES: ReadonlyMap<string, string> = new Map();

/**
 * The names of the custom emoji (mxc:// keys) `eventId` was reacted with, from the reactions we hold: Element's
 * `shortcode`, or Beeper's and gomuks' `com.beeper.reaction.shortcode`. A key no held reaction names has none.
 */
export function selectReactionShortcodes(room: RoomData | undefined, eventId: string): ReadonlyMap<string, string> {
  if (!room) return NO_SHORTCODES;
  let index = shortcodesMemo.get(room.events);
  if (!index) {
    index = new Map();
    for (const e of room.events.values()) {
      if (effectiveType(e) !== 'm.reaction' || e.redacted_by) continue;
      const a = annotation(e);
      if (!a || !a.key.startsWith('mxc://')) continue;
      const content = effectiveContent(e);
      const code = content.shortcode ?? content['com.beeper.reaction.shortcode'];
      if (typeof code !== 'string' || !code.trim()) continue;
      let keys = index.get(a.target);
      if (!keys) index.set(a.target, keys = new Map<string, string>());
      if (!keys.has(a.key)) keys.set(a.key, code.trim().slice(0, 100));
    }
    shortcodesMemo.set(room.events, index);
  }
  return index.get(eventId) ?? NO_SHORTCODES;
}

/**
 * Whether the room holds a message the server refused that is neither retried nor discarded: the backend sends a
 * room's events in order, so everything sent after it (a reaction too) waits behind it until one of the two.
 */
export function selectHasFailedSend(room: RoomData | undefined): boolean {
  if (!room) return false;
  return room.pending.some((rowid) => {
    const e = room.events.get(rowid);
    return e?.send_error !== undefined && e.send_error !== NOT_SENT;
  });
}
