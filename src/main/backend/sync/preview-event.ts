/**
 * Which event previews a room in the room list (`preview_event_rowid`), judged as Element's room list judges it: the
 * latest message-like event. That is a message, sticker or poll (thread replies included) or a call's invite, decline
 * or hang-up, which the timeline words ("Alice started a video call", "Missed call"); an encrypted event counts by
 * what it decrypted to, and one not decrypted yet may be a message, so it counts until it is. Edits, reactions,
 * deleted events and a call's machinery (answers, candidates, the answer's selection) have nothing to say.
 *
 * A room with no such event within reach (just created or joined, nothing but state since) is previewed by its
 * latest state change that the timeline words ("Bob joined the room"), rather than by an empty line: a weaker
 * preview, which a newer such change replaces and which never takes the place of a message.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';

/** An event as far as choosing a preview reads it: a stored Event, or one of a sync's timeline with its decryption. */
export interface PreviewCandidate {
  /** As sent: m.room.encrypted for an encrypted event. */
  type: string;
  content: JSONObject;
  decrypted_type?: string;
  decrypted?: JSONObject;
  state_key?: string;
  redacted_by?: string;
  unsigned?: JSONObject;
}

/** 0: says nothing in the room list; 1: a worded state change (only while there is no message); 2: message-like. */
export type PreviewRank = 0 | 1 | 2;
export const NO_PREVIEW = 0;
export const STATE_PREVIEW = 1;
export const MESSAGE_PREVIEW = 2;

const MESSAGE_TYPES = new Set(['m.room.message', 'm.sticker', 'm.poll.start', 'org.matrix.msc3381.poll.start']);
/** State whose change the timeline words, besides membership (which depends on the change). */
const WORDED_STATE = new Set(['m.room.create', 'm.room.name', 'm.room.topic', 'm.room.avatar', 'm.room.encryption',
  'm.room.tombstone']);
const MEMBERSHIPS = new Set(['join', 'leave', 'invite', 'ban', 'knock']);
/** A hang-up that gave a call up in glare for the other one: that call has the lines (as the renderer words calls). */
const REASON_REPLACED = 'replaced';

const obj = (v: unknown): JSONObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONObject : undefined);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** Without allocating a key list (this runs for every appended event). */
function isEmpty(o: JSONObject): boolean {
  for (const _ in o) return false;
  return true;
}

export function previewRank(ev: PreviewCandidate): PreviewRank {
  // Deleted: its content pruned to nothing, also when it arrives already deleted.
  if (ev.redacted_by !== undefined || isEmpty(ev.content)) return NO_PREVIEW;
  if (ev.state_key !== undefined) return wordedState(ev) ? STATE_PREVIEW : NO_PREVIEW;
  // An encrypted event's relation stays outside the ciphertext, so the content as sent tells an edit or a reaction.
  const rel = obj(ev.content['m.relates_to'])?.rel_type;
  if (rel === 'm.replace' || rel === 'm.annotation') return NO_PREVIEW;
  const type = ev.decrypted_type ?? ev.type;
  if (type === 'm.room.encrypted' || MESSAGE_TYPES.has(type)) return MESSAGE_PREVIEW;
  if (!type.startsWith('m.call.')) return NO_PREVIEW;
  const content = ev.decrypted ?? ev.content;
  if (!nonEmpty(content.call_id)) return NO_PREVIEW;
  switch (type) {
    case 'm.call.invite': return nonEmpty(obj(content.offer)?.sdp) ? MESSAGE_PREVIEW : NO_PREVIEW;
    case 'm.call.reject': return MESSAGE_PREVIEW;
    case 'm.call.hangup': return content.reason === REASON_REPLACED ? NO_PREVIEW : MESSAGE_PREVIEW;
    default: return NO_PREVIEW;
  }
}

function wordedState(ev: PreviewCandidate): boolean {
  if (WORDED_STATE.has(ev.type)) return ev.state_key === '';
  if (ev.type !== 'm.room.member') return false;
  const membership = ev.content.membership;
  if (typeof membership !== 'string' || !MEMBERSHIPS.has(membership)) return false;
  const prev = obj(ev.unsigned?.prev_content);
  // Still joined: only a new display name is worded ("… changed their display name"), not a new avatar.
  return !(membership === 'join' && prev?.membership === 'join' && prev.displayname === ev.content.displayname);
}

/** The best preview among `events` (oldest first): the latest message-like one, else the latest worded state change. */
export function bestPreview<T extends PreviewCandidate>(events: readonly T[]): { event: T; rank: PreviewRank } | undefined {
  let state: T | undefined;
  for (let i = events.length - 1; i >= 0; i--) {
    const rank = previewRank(events[i]);
    if (rank === MESSAGE_PREVIEW) return { event: events[i], rank };
    if (rank === STATE_PREVIEW) state ??= events[i];
  }
  return state && { event: state, rank: STATE_PREVIEW };
}
