/**
 * Message kinds beyond text and files, read from their content: locations (m.location with a geo: URI) and polls
 * (MSC3381, under its stable `m.poll.*` and unstable `org.matrix.msc3381.poll.*` names), with poll results counted
 * from the responses we hold (each person's latest answer before the poll ended). Pure, so it is unit-tested.
 */
import type { Event, JSONObject, JSONValue } from '../../../shared/rpc/types.ts';

export interface LocationView { kind: 'location'; uri: string; lat: number; lon: number; description: string }
export interface PollView {
  kind: 'poll';
  question: string;
  answers: readonly { id: string; text: string }[];
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
    return {
      kind: 'poll',
      question: pollText(obj(poll.question)) ?? str(content.body) ?? 'Poll',
      answers,
      maxSelections: typeof poll.max_selections === 'number' && poll.max_selections > 0 ? poll.max_selections : 1,
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

/** The answer IDs of a response: `m.selections` (stable) or `org.matrix.msc3381.poll.response.answers`. */
function selections(content: JSONObject): string[] {
  const raw = content['m.selections'] ?? obj(content['org.matrix.msc3381.poll.response'])?.answers;
  return Array.isArray(raw) ? raw.filter((a): a is string => typeof a === 'string') : [];
}

/** Counts the responses to `pollId` among `events`: each sender's latest valid answer before the poll ended. */
export function countPoll(pollId: string, poll: PollView, events: Iterable<Event>, ownUserId: string | undefined): PollResults {
  const valid = new Set(poll.answers.map((a) => a.id));
  let endTs = Infinity;
  const latest = new Map<string, Event>();
  for (const e of events) {
    if (e.redacted_by || referenceTarget(e) !== pollId) continue;
    const type = e.decrypted_type ?? e.type;
    if (POLL_END_TYPES.has(type)) endTs = Math.min(endTs, e.timestamp);
    else if (POLL_RESPONSE_TYPES.has(type)) {
      const prev = latest.get(e.sender);
      if (!prev || prev.timestamp < e.timestamp) latest.set(e.sender, e);
    }
  }
  const counts = new Map<string, number>();
  let voters = 0;
  let mine: string[] = [];
  for (const [sender, e] of latest) {
    if (e.timestamp > endTs) continue;
    const answers = [...new Set(selections(e.decrypted ?? e.content))].filter((a) => valid.has(a)).slice(0, poll.maxSelections);
    if (!answers.length) continue; // an empty or invalid response is a spoiled vote
    voters++;
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    if (sender === ownUserId) mine = answers;
  }
  return { counts, voters, mine, ended: endTs !== Infinity };
}
