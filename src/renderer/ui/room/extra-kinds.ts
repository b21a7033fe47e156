/**
 * Message kinds beyond text and files, read from their content: locations (m.location with a geo: URI) and polls
 * (MSC3381, under its stable `m.poll.*` and unstable `org.matrix.msc3381.poll.*` names), with poll results counted
 * from the responses we hold by MSC3381's rules (each person's latest response on or before the poll's first valid
 * end counts; one naming an unknown answer is spoiled; extra choices are cut to `max_selections`). Pure, so it is
 * unit-tested.
 */
import type { Event, JSONObject, JSONValue } from '../../../shared/rpc/types.ts';
import { effectiveContent, effectiveType } from '../../../shared/event-cleartext.ts';

export interface LocationView { kind: 'location'; uri: string; lat: number; lon: number; description: string }
export interface PollView {
  kind: 'poll';
  question: string;
  answers: readonly { id: string; text: string }[];
  /** How many answers one voter may choose: 1 for a single-choice poll, never more than the answers. */
  maxSelections: number;
  /** Disclosed polls show results while open; undisclosed ones only when ended. */
  disclosed: boolean;
}
export type ExtraView = LocationView | PollView;

export const POLL_START_TYPES = new Set(['m.poll.start', 'org.matrix.msc3381.poll.start']);
const POLL_RESPONSE_TYPES = new Set(['m.poll.response', 'org.matrix.msc3381.poll.response']);
const POLL_END_TYPES = new Set(['m.poll.end', 'org.matrix.msc3381.poll.end']);

const obj = (v: JSONValue | undefined): JSONObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined);
const str = (v: JSONValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** `geo:51.5,-0.12;u=35` → latitude and longitude; undefined when it is not a geo: URI with both. */
export function parseGeoUri(uri: string): { lat: number; lon: number } | undefined {
  const m = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/i.exec(uri.trim());
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : undefined;
}

/** Text in an extensible-events text block: a plain string, `[{body, mimetype}]`, or `{body}`. */
function textOf(v: JSONValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    for (const part of v) {
      const p = obj(part);
      if (p && typeof p.body === 'string' && (!p.mimetype || p.mimetype === 'text/plain')) return p.body;
    }
    return undefined;
  }
  return str(obj(v)?.body);
}

function pollText(o: JSONObject | undefined): string | undefined {
  if (!o) return undefined;
  return textOf(o['m.text']) ?? textOf(o['org.matrix.msc1767.text']) ?? textOf(o.body) ?? str(o.body);
}

export function extraOf(type: string, msgtype: string, content: JSONObject): ExtraView | undefined {
  if (msgtype === 'm.location') {
    const block = obj(content['m.location']) ?? obj(content['org.matrix.msc3488.location']);
    const uri = str(content.geo_uri) ?? str(block?.uri) ?? '';
    const at = parseGeoUri(uri);
    if (!at) return undefined;
    // A body that is only a fallback naming the URI ("Location geo:… at …") describes nothing.
    const body = str(content.body) ?? '';
    return { kind: 'location', uri, ...at, description: str(block?.description) ?? (body.includes(uri) ? '' : body) };
  }
  if (POLL_START_TYPES.has(type)) {
    const poll = obj(content['m.poll']) ?? obj(content['org.matrix.msc3381.poll.start']);
    if (!poll) return undefined;
    const answers: { id: string; text: string }[] = [];
    for (const a of Array.isArray(poll.answers) ? poll.answers : []) {
      const answer = obj(a);
      const id = str(answer?.['m.id']) ?? str(answer?.id);
      const text = pollText(answer);
      if (id && text !== undefined) answers.push({ id, text });
    }
    const kind = str(poll.kind) ?? '';
    const max = typeof poll.max_selections === 'number' && Number.isInteger(poll.max_selections) && poll.max_selections > 0 ? poll.max_selections : 1;
    return {
      kind: 'poll',
      question: pollText(obj(poll.question)) ?? str(content.body) ?? 'Poll',
      answers,
      maxSelections: Math.max(1, Math.min(max, answers.length)),
      disclosed: !kind.endsWith('undisclosed'),
    };
  }
  return undefined;
}

export interface PollResults {
  /** Votes per answer ID. */
  counts: ReadonlyMap<string, number>;
  voters: number;
  /** Our own current answers. */
  mine: readonly string[];
  ended: boolean;
}

function referenceTarget(e: Event): string | undefined {
  const rel = obj(e.content['m.relates_to']);
  return rel?.rel_type === 'm.reference' ? str(rel.event_id) : undefined;
}

/**
 * The answer IDs a response chooses (`m.selections`, or the unstable `org.matrix.msc3381.poll.response.answers`
 * Element and gomuks send), or null when it is spoiled: not a list of strings, or naming an answer the poll does not
 * have. As Element does, more choices than `max_selections` are not spoiled but cut to the first ones; a repeated
 * answer counts once. An empty list is a withdrawn vote.
 */
export function responseChoices(content: JSONObject, poll: PollView): string[] | null {
  const raw = content['m.selections'] ?? obj(content['org.matrix.msc3381.poll.response'])?.answers ?? obj(content['m.poll.response'])?.answers;
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string')) return null;
  const ids = raw as string[];
  if (ids.some((a) => !poll.answers.some((p) => p.id === a))) return null;
  return [...new Set(ids.slice(0, poll.maxSelections))];
}

/**
 * Counts the responses to `pollId` among `events` by MSC3381's rules. The poll ends at the earliest end event from
 * someone `mayEnd` allows (its sender, or someone with the power to redact others' messages); others' ends are
 * ignored. Each sender's latest response on or before the end counts, even when it is spoiled or withdrawn (their
 * earlier votes no longer count); responses after the end are ignored, as if never sent.
 */
export function countPoll(
  pollId: string, poll: PollView, events: Iterable<Event>, ownUserId: string | undefined, mayEnd: (userId: string) => boolean = () => true,
): PollResults {
  const responses: Event[] = [];
  let endTs = Infinity;
  for (const e of events) {
    if (e.redacted_by || referenceTarget(e) !== pollId) continue;
    const type = effectiveType(e);
    if (POLL_END_TYPES.has(type)) {
      if (mayEnd(e.sender)) endTs = Math.min(endTs, e.timestamp);
    } else if (POLL_RESPONSE_TYPES.has(type)) responses.push(e);
  }
  const latest = new Map<string, Event>();
  for (const e of responses) {
    if (e.timestamp > endTs) continue;
    const prev = latest.get(e.sender);
    if (!prev || prev.timestamp < e.timestamp || (prev.timestamp === e.timestamp && prev.rowid < e.rowid)) latest.set(e.sender, e);
  }
  const counts = new Map<string, number>();
  let voters = 0;
  let mine: string[] = [];
  for (const [sender, e] of latest) {
    const answers = responseChoices(effectiveContent(e), poll);
    if (!answers?.length) continue; // spoiled or withdrawn: no vote
    voters++;
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    if (sender === ownUserId) mine = answers;
  }
  return { counts, voters, mine, ended: endTs !== Infinity };
}
