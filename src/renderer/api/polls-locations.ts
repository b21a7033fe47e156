/**
 * The contents of the poll and location events the composer sends, in the form Element sends them, so every
 * client shows them: a poll start (MSC3381, unstable `org.matrix.msc3381.poll.*` names, with an extensible-events
 * text fallback listing the answers), a vote, the end of a poll, and an m.location message with a geo: URI
 * (MSC3488 fields beside the spec's). Also the checks on what the person typed, with the problem in words. Pure,
 * so it is unit-tested.
 */
import type { JSONObject } from '../../shared/rpc/types.ts';

export const POLL_START = 'org.matrix.msc3381.poll.start';
export const POLL_RESPONSE = 'org.matrix.msc3381.poll.response';
export const POLL_END = 'org.matrix.msc3381.poll.end';
const TEXT = 'org.matrix.msc1767.text';
export const MIN_ANSWERS = 2;
export const MAX_ANSWERS = 20;

/**
 * What is wrong with a poll as typed, or null when it can be sent. Blank answers are left out, not refused.
 * `maxSelections` is how many answers one voter may choose (1 for a single-choice poll).
 */
export function pollProblem(question: string, answers: readonly string[], maxSelections = 1): string | null {
  if (!question.trim()) return 'Write a question.';
  const filled = answers.filter((a) => a.trim());
  if (filled.length < MIN_ANSWERS) return `A poll needs at least ${MIN_ANSWERS} answers.`;
  if (filled.length > MAX_ANSWERS) return `A poll can have at most ${MAX_ANSWERS} answers.`;
  if (!Number.isInteger(maxSelections) || maxSelections < 1) return 'Voters must be able to choose at least one answer.';
  if (maxSelections > filled.length) {
    return `Voters can choose at most ${maxSelections} answers, but the poll has only ${filled.length}: add answers or allow fewer choices.`;
  }
  return null;
}

/**
 * The poll start content. `newId` makes each answer's ID (unique within the poll); `maxSelections` is how many
 * answers a voter may choose (MSC3381's `max_selections`, 1 for single choice). The fallback text is the question
 * and the numbered answers, for clients that show no polls.
 */
export function pollStartContent(
  question: string, answers: readonly string[], disclosed: boolean, newId: () => string, maxSelections = 1,
): JSONObject {
  const q = question.trim();
  const list = answers.map((a) => a.trim()).filter((a) => a);
  const fallback = `${q}\n${list.map((a, i) => `${i + 1}. ${a}`).join('\n')}`;
  return {
    [POLL_START]: {
      question: { [TEXT]: q, body: q, msgtype: 'm.text' },
      kind: disclosed ? 'org.matrix.msc3381.poll.disclosed' : 'org.matrix.msc3381.poll.undisclosed',
      max_selections: maxSelections,
      answers: list.map((a) => ({ id: newId(), [TEXT]: a })),
    },
    [TEXT]: fallback,
    body: fallback,
  };
}

/** A vote: our whole current choice (an empty list withdraws it). */
export function pollResponseContent(pollId: string, answerIds: readonly string[]): JSONObject {
  return { 'm.relates_to': { rel_type: 'm.reference', event_id: pollId }, [POLL_RESPONSE]: { answers: [...answerIds] } };
}

/**
 * Our choice after clicking an answer: in a single-choice poll the answer replaces our vote; in a multiple-choice
 * one it toggles, and choosing one more than allowed lets go of the earliest chosen (as gomuks does), so a click
 * always does what it shows.
 */
export function nextChoice(mine: readonly string[], answerId: string, maxSelections: number): string[] {
  if (maxSelections <= 1) return [answerId];
  if (mine.includes(answerId)) return mine.filter((a) => a !== answerId);
  return [...mine, answerId].slice(-maxSelections);
}

/** Ending a poll: a reference to it with a text fallback. */
export function pollEndContent(pollId: string, question: string): JSONObject {
  const text = `The poll has ended: ${question}`;
  return { 'm.relates_to': { rel_type: 'm.reference', event_id: pollId }, [POLL_END]: {}, [TEXT]: text, body: text };
}

/**
 * Coordinates as people write them: `51.5074, -0.1278`, `51.5074 -0.1278` or a `geo:` URI. Answers the numbers,
 * or the problem in words.
 */
export function parseCoordinates(input: string): { lat: number; lon: number } | string {
  const t = input.trim().replace(/^geo:/i, '').replace(/;.*$/, '');
  const m = /^(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (!m) return 'Write the coordinates as latitude, longitude, like 51.5074, -0.1278.';
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (Math.abs(lat) > 90) return `The latitude ${lat} is outside −90…90.`;
  if (Math.abs(lon) > 180) return `The longitude ${lon} is outside −180…180.`;
  return { lat, lon };
}

/** The m.location content: geo: URI, a text fallback and MSC3488's fields (a pin dropped, not a live share). */
export function locationContent(lat: number, lon: number, description: string, ts: number, accuracyMetres?: number): JSONObject {
  const uri = `geo:${lat},${lon}${accuracyMetres !== undefined ? `;u=${Math.round(accuracyMetres)}` : ''}`;
  const d = description.trim();
  const body = `${d ? `${d}: ` : 'Location '}${uri} at ${new Date(ts).toISOString()}`;
  return {
    msgtype: 'm.location',
    body,
    geo_uri: uri,
    'org.matrix.msc3488.location': { uri, ...(d ? { description: d } : {}) },
    'org.matrix.msc3488.asset': { type: 'm.pin' },
    'org.matrix.msc3488.ts': ts,
    [TEXT]: body,
  };
}
