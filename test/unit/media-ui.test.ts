/**
 * The pure parts behind uploads, emoji, reactions and threads: shortcode search and completion over the real
 * emojibase data, upload errors in words, who reacted, and which events belong to a thread and how a reply in one
 * relates to it; locations and polls.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { complete } from '../../src/renderer/api/autocomplete.ts';
import { buildEmoji, searchEmoji } from '../../src/renderer/api/emoji-data.ts';
import { selectReactors } from '../../src/renderer/api/relations.ts';
import type { RoomData } from '../../src/renderer/api/snapshot.ts';
import {
  bundledThreadBase, isThreadReply, refreshThreadCount, selectThreadReplies, threadRelation, threadSummary,
} from '../../src/renderer/api/threads.ts';
import { formatBytes, uploadError } from '../../src/renderer/api/uploads.ts';
import { previewText, viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import { countPoll, parseGeoUri } from '../../src/renderer/ui/room/extra-kinds.ts';
import { buildRows } from '../../src/renderer/ui/room/timeline-model.ts';
import {
  locationContent, nextChoice, parseCoordinates, pollEndContent, pollProblem, pollResponseContent, pollStartContent,
} from '../../src/renderer/api/polls-locations.ts';
import type { Event } from '../../src/shared/rpc/types.ts';

const require = createRequire(import.meta.url);
const json = (p: string): unknown => JSON.parse(readFileSync(require.resolve(p), 'utf8'));
const emoji = buildEmoji(
  json('emojibase-data/en/data.json') as Parameters<typeof buildEmoji>[0],
  json('emojibase-data/en/shortcodes/github.json') as Parameters<typeof buildEmoji>[1],
);

function ev(rowid: number, extra: Partial<Event> = {}): Event {
  return {
    rowid, timeline_rowid: rowid, room_id: '!r:x', event_id: `$${rowid}`, sender: '@alice:x', type: 'm.room.message',
    timestamp: 1_700_000_000_000 + rowid, content: { msgtype: 'm.text', body: `m${rowid}` }, ...extra,
  };
}
const roomWith = (events: Event[]) => ({ events: new Map(events.map((e) => [e.rowid, e])) }) as unknown as RoomData;

describe('emoji', () => {
  it('finds emoji by shortcode first, then by name or tag', () => {
    assert.equal(searchEmoji(emoji, 'tada')[0].unicode, '🎉');
    assert.match(searchEmoji(emoji, ':thumbsup:')[0].unicode, /^👍\uFE0F?$/u);
    assert.ok(searchEmoji(emoji, 'pizza').some((e) => e.unicode === '🍕'));
    assert.deepEqual(searchEmoji(emoji, 'zzzznotanemoji'), []);
  });

  it('leaves out the skin-tone components and emoji too new for common fonts', () => {
    assert.ok(emoji.length > 1500);
    assert.ok(!emoji.some((e) => e.group === 2));
    assert.ok(!emoji.some((e) => e.label === 'face with bags under eyes'), 'an Emoji 16 face is left out');
  });

  it('completes :shortcodes: of two letters or more into the emoji', () => {
    const c = complete('nice :tad', 9, [], new Map(), emoji);
    assert.ok(c);
    assert.equal(c.start, 5);
    assert.equal(c.suggestions[0].insert, '🎉');
    assert.equal(complete('nice :t', 7, [], new Map(), emoji), null, 'one letter is not enough');
    assert.equal(complete('at 10:30', 8, [], new Map(), emoji), null, 'a time is not a shortcode');
    assert.equal(complete('nice :tad', 9, [], new Map(), null), null, 'nothing before the data has loaded');
  });
});

describe('uploads', () => {
  it('says why an upload failed, from the route\'s answer or its status', () => {
    assert.equal(uploadError(502, JSON.stringify({ errcode: 'M_TOO_LARGE', error: 'The file is over the 50 MB limit.' })), 'The file is over the 50 MB limit.');
    assert.equal(uploadError(413, 'Payload Too Large'), 'The file is larger than the server accepts.');
    assert.match(uploadError(0, ''), /network error/);
    assert.match(uploadError(500, ''), /HTTP 500/);
  });

  it('formats sizes for people', () => {
    assert.equal(formatBytes(386), '386 B');
    assert.equal(formatBytes(2048), '2.0 KB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  });
});

describe('reactions', () => {
  it('lists who reacted with each key, skipping redacted reactions', () => {
    const react = (rowid: number, sender: string, key: string, redacted = false) => ev(rowid, {
      type: 'm.reaction', sender, ...(redacted ? { redacted_by: '$r' } : {}),
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$1', key } },
    });
    const room = roomWith([ev(1), react(2, '@bob:x', '👍'), react(3, '@carol:x', '👍'), react(4, '@dave:x', '🎉', true)]);
    const who = selectReactors(room, '$1');
    assert.deepEqual(who.get('👍'), ['@bob:x', '@carol:x']);
    assert.equal(who.get('🎉'), undefined);
  });
});

describe('threads', () => {
  const root = ev(1, { unsigned: { 'm.relations': { 'm.thread': { count: 5 } } } });
  const reply = (rowid: number) => ev(rowid, {
    relation_type: 'm.thread', relates_to: '$1',
    content: { msgtype: 'm.text', body: `r${rowid}`, 'm.relates_to': { rel_type: 'm.thread', event_id: '$1', is_falling_back: true, 'm.in_reply_to': { event_id: '$1' } } },
  });

  it('keeps thread replies out of the main timeline and lists them under their root', () => {
    const events = [root, reply(3), reply(2), ev(4)];
    assert.ok(isThreadReply(reply(2)) && !isThreadReply(root));
    const rows = buildRows(events.map((e) => ({ event: e, sendState: 'sent' as const })) as never, new Map(events.map((e) => [e.rowid, e])));
    assert.deepEqual(rows.filter((r) => r.kind === 'event').map((r) => r.kind === 'event' && r.item.event.event_id), ['$1', '$4']);
    assert.deepEqual(selectThreadReplies(roomWith(events), '$1').map((e) => e.event_id), ['$2', '$3']);
    assert.equal(bundledThreadBase(root)?.count, 5);
    assert.equal(bundledThreadBase(ev(9)), undefined);
  });

  it('neither counts nor previews deleted replies, and takes those it holds off a bundled count from before', () => {
    const deleted = (rowid: number) => ({ ...reply(rowid), content: {}, redacted_by: `$redaction${rowid}` });
    const plain = ev(1);
    // Held replies only: the deleted latest one is skipped for the one before it.
    let s = threadSummary(plain, [reply(2), reply(3), deleted(4)]);
    assert.equal(s.count, 2);
    assert.equal(s.latest?.event_id, '$3');
    // Every reply deleted: no summary.
    s = threadSummary(plain, [deleted(2), deleted(3)]);
    assert.deepEqual([s.count, s.latest], [0, undefined]);
    // The server counted 5 when the root arrived; 2 of the 3 we hold were deleted since.
    s = threadSummary(root, [reply(2), deleted(3), deleted(4)]);
    assert.equal(s.count, 3);
    assert.equal(s.latest?.event_id, '$2');
    // What we hold is the floor, whatever the bundled count says.
    assert.equal(threadSummary(ev(1, { unsigned: { 'm.relations': { 'm.thread': { count: 1 } } } }), [reply(2), reply(3), deleted(4)]).count, 2);
  });

  it('reads the bundled count against its latest reply: newer replies were not counted, newer deletions not either', () => {
    const deleted = (rowid: number) => ({ ...reply(rowid), content: {}, redacted_by: `$redaction${rowid}` });
    // Counted up to reply 5 (10 replies, most not loaded); 6 came later, and 7 came later and was deleted.
    const counted = ev(1, { unsigned: { 'm.relations': { 'm.thread': { count: 10, latest_event: { origin_server_ts: ev(5).timestamp } } } } });
    assert.equal(threadSummary(counted, [reply(5), reply(6), deleted(7)]).count, 11);
    // Reply 4 deleted after the count was made: taken off it.
    assert.equal(threadSummary(counted, [deleted(4), reply(5)]).count, 9);
  });

  it('uses the count asked for after a deletion, which already leaves out the deletions it saw', () => {
    const deleted = (rowid: number) => ({ ...reply(rowid), content: {}, redacted_by: `$redaction${rowid}` });
    // The root came with a count made after reply 3 was deleted (3 left: 2, 4 and one not loaded).
    const root = ev(1, { unsigned: { 'm.relations': { 'm.thread': { count: 3, latest_event: { origin_server_ts: ev(4).timestamp } } } } });
    const held = [reply(2), deleted(3), reply(4)];
    assert.equal(threadSummary(root, held).count, 2, 'from the bundle alone the deletion is taken off twice');
    const fresh = bundledThreadBase(root, new Set(['$3']));
    assert.equal(threadSummary(root, held, fresh).count, 3);
    // A later deletion is taken off the fresh count until it is asked again; a later reply is added to it.
    assert.equal(threadSummary(root, [reply(2), deleted(3), deleted(4)], fresh).count, 2);
    assert.equal(threadSummary(root, [...held, reply(5)], fresh).count, 4);
    // Asked after every reply was deleted, the answer has no summary: none is left.
    assert.equal(threadSummary(root, [deleted(2)], bundledThreadBase(ev(1), new Set(['$2']))).count, 0);
  });

  it('asks for the root again once per set of deleted replies it holds', async () => {
    const deleted = (rowid: number) => ({ ...reply(rowid), content: {}, redacted_by: `$redaction${rowid}` });
    let asked = 0;
    const fetchRoot = () => { asked++; return Promise.resolve(ev(1)); };
    refreshThreadCount('$asked', [reply(2)], fetchRoot);
    assert.equal(asked, 0, 'nothing deleted, nothing to ask');
    refreshThreadCount('$asked', [deleted(2), reply(3)], fetchRoot);
    refreshThreadCount('$asked', [deleted(2), reply(3), reply(4)], fetchRoot);
    assert.equal(asked, 1);
    refreshThreadCount('$asked', [deleted(2), deleted(3)], fetchRoot);
    assert.equal(asked, 2);
    await Promise.resolve();
  });

  it('relates a reply to its thread with a falling-back reply to the latest event, as the spec asks', () => {
    assert.deepEqual(threadRelation('$root', '$latest'), {
      rel_type: 'm.thread', event_id: '$root', is_falling_back: true, 'm.in_reply_to': { event_id: '$latest' },
    });
  });
});

describe('locations and polls', () => {
  it('reads a location\'s geo: URI and refuses coordinates off the globe', () => {
    const v = viewEvent(ev(1, { content: { msgtype: 'm.location', body: 'Big Ben', geo_uri: 'geo:51.5007,-0.1246;u=20' } }));
    assert.ok(v?.kind === 'message' && v.extra?.kind === 'location');
    assert.equal(v.extra.lat, 51.5007);
    assert.equal(v.extra.lon, -0.1246);
    assert.equal(parseGeoUri('geo:91,0'), undefined);
    assert.equal(parseGeoUri('https://example.org'), undefined);
  });

  it('shows a poll and counts each person\'s latest answer until the poll ends', () => {
    const start = ev(1, {
      type: 'org.matrix.msc3381.poll.start',
      content: {
        'org.matrix.msc3381.poll.start': {
          question: { 'org.matrix.msc1767.text': 'Lunch?' }, kind: 'org.matrix.msc3381.poll.disclosed', max_selections: 1,
          answers: [{ id: 'a', 'org.matrix.msc1767.text': 'Pizza' }, { id: 'b', 'org.matrix.msc1767.text': 'Sushi' }],
        },
      },
    });
    const v = viewEvent(start);
    assert.ok(v?.kind === 'message' && v.extra?.kind === 'poll');
    assert.equal(v.extra.question, 'Lunch?');
    assert.deepEqual(v.extra.answers, [{ id: 'a', text: 'Pizza' }, { id: 'b', text: 'Sushi' }]);
    const response = (rowid: number, sender: string, answers: string[]) => ev(rowid, {
      type: 'org.matrix.msc3381.poll.response', sender, timestamp: rowid,
      content: { 'm.relates_to': { rel_type: 'm.reference', event_id: '$1' }, 'org.matrix.msc3381.poll.response': { answers } },
    });
    const end = ev(6, { type: 'org.matrix.msc3381.poll.end', timestamp: 6, content: { 'm.relates_to': { rel_type: 'm.reference', event_id: '$1' } } });
    const r = countPoll('$1', v.extra, [response(2, '@bob:x', ['a']), response(3, '@bob:x', ['b']), response(4, '@me:x', ['b']),
      response(5, '@eve:x', ['nonsense']), end, response(7, '@late:x', ['a'])], '@me:x');
    assert.equal(r.counts.get('b'), 2, 'Bob changed his mind; his latest answer counts');
    assert.equal(r.counts.get('a'), undefined, 'a vote after the end does not count');
    assert.equal(r.voters, 2, 'an invalid answer is a spoiled vote');
    assert.deepEqual(r.mine, ['b']);
    assert.ok(r.ended);
  });

  it('sends a poll in the form Element sends, which the timeline reads back, and votes and ends it', () => {
    assert.equal(pollProblem(' ', ['a', 'b']), 'Write a question.');
    assert.equal(pollProblem('Q?', ['a', ' ']), 'A poll needs at least 2 answers.');
    assert.match(pollProblem('Q?', Array.from({ length: 21 }, (_, i) => `${i}`)) ?? '', /at most 20/);
    assert.equal(pollProblem('Q?', ['a', '', 'b']), null);
    let n = 0;
    const content = pollStartContent(' Lunch? ', ['Pizza', ' ', 'Sushi '], false, () => `id${n++}`);
    assert.deepEqual(content, {
      'org.matrix.msc3381.poll.start': {
        question: { 'org.matrix.msc1767.text': 'Lunch?', body: 'Lunch?', msgtype: 'm.text' },
        kind: 'org.matrix.msc3381.poll.undisclosed', max_selections: 1,
        answers: [{ id: 'id0', 'org.matrix.msc1767.text': 'Pizza' }, { id: 'id1', 'org.matrix.msc1767.text': 'Sushi' }],
      },
      'org.matrix.msc1767.text': 'Lunch?\n1. Pizza\n2. Sushi',
      body: 'Lunch?\n1. Pizza\n2. Sushi',
    });
    const v = viewEvent(ev(1, { type: 'org.matrix.msc3381.poll.start', content }));
    assert.ok(v?.kind === 'message' && v.extra?.kind === 'poll');
    assert.deepEqual(v.extra.answers, [{ id: 'id0', text: 'Pizza' }, { id: 'id1', text: 'Sushi' }]);
    assert.equal(v.extra.disclosed, false);
    assert.equal(v.body, '', 'the fallback text is not shown under the poll');
    const vote = ev(2, { type: 'org.matrix.msc3381.poll.response', timestamp: 2, sender: '@me:x', content: pollResponseContent('$1', ['id1']) });
    const end = ev(3, { type: 'org.matrix.msc3381.poll.end', timestamp: 3, content: pollEndContent('$1', 'Lunch?') });
    const r = countPoll('$1', v.extra, [vote, end], '@me:x');
    assert.deepEqual(r.mine, ['id1']);
    assert.ok(r.ended);
  });

  it('counts a multiple-choice poll by MSC3381: latest response until the first valid end, unknown answers spoil, extras are cut', () => {
    let n = 0;
    const content = pollStartContent('Which days?', ['Mon', 'Tue', 'Wed', 'Thu'], true, () => `d${n++}`, 2);
    assert.equal((content['org.matrix.msc3381.poll.start'] as { max_selections: number }).max_selections, 2);
    const v = viewEvent(ev(1, { type: 'org.matrix.msc3381.poll.start', sender: '@alice:x', content }));
    assert.ok(v?.kind === 'message' && v.extra?.kind === 'poll');
    const poll = v.extra;
    assert.equal(poll.maxSelections, 2);
    const response = (rowid: number, sender: string, body: Record<string, unknown>) => ev(rowid, {
      type: 'org.matrix.msc3381.poll.response', sender, timestamp: rowid,
      content: { 'm.relates_to': { rel_type: 'm.reference', event_id: '$1' }, ...body },
    });
    const answers = (ids: unknown[]) => ({ 'org.matrix.msc3381.poll.response': { answers: ids } });
    const events = [
      response(2, '@bob:x', answers(['d0', 'd1'])),
      response(3, '@carol:x', answers(['d2', 'd3', 'd0'])), // one more than allowed: cut to the first two
      response(4, '@dave:x', answers(['d1', 'd1'])), // a repeat counts once
      response(5, '@eve:x', answers(['d0'])),
      response(6, '@eve:x', answers(['d0', 'nope'])), // her latest names an unknown answer: spoiled, the earlier vote is gone
      response(7, '@frank:x', { 'm.selections': ['d3'] }), // the stable field
      response(8, '@gina:x', answers(['d2'])),
      response(9, '@gina:x', answers([])), // withdrawn
      response(10, '@me:x', answers(['d1', 'd3'])),
      ev(11, { type: 'org.matrix.msc3381.poll.end', sender: '@mallory:x', timestamp: 11, content: pollEndContent('$1', 'Which days?') }),
      response(12, '@bob:x', answers(['d3'])), // after Mallory's end, which does not count: still open, so this counts
      ev(13, { type: 'org.matrix.msc3381.poll.end', sender: '@alice:x', timestamp: 13, content: pollEndContent('$1', 'Which days?') }),
      response(14, '@carol:x', answers(['d3'])), // after the poll's own end: ignored, her earlier vote stands
      ev(15, { type: 'org.matrix.msc3381.poll.end', sender: '@alice:x', timestamp: 15, content: pollEndContent('$1', 'Which days?') }),
    ];
    const mayEnd = (u: string) => u === '@alice:x';
    const r = countPoll('$1', poll, events, '@me:x', mayEnd);
    assert.ok(r.ended);
    assert.deepEqual(Object.fromEntries(r.counts), { d1: 2, d2: 1, d3: 4 }, 'Bob\'s last vote before the end moved to Thursday');
    assert.equal(r.voters, 5, 'Bob, Carol, Dave, Frank and me; Eve spoiled, Gina withdrew');
    assert.deepEqual(r.mine, ['d1', 'd3']);

    const open = countPoll('$1', poll, events.slice(0, 10), '@me:x', mayEnd);
    assert.ok(!open.ended, 'an end from someone who may not end the poll is ignored');
    assert.deepEqual(Object.fromEntries(open.counts), { d0: 1, d1: 3, d2: 1, d3: 3 });

    // A bigger maximum than answers is the number of answers; none or nonsense is single choice.
    const wide = pollStartContent('Q?', ['a', 'b'], true, () => `w${n++}`, 5);
    const w = viewEvent(ev(1, { type: 'org.matrix.msc3381.poll.start', content: wide }));
    assert.ok(w?.kind === 'message' && w.extra?.kind === 'poll' && w.extra.maxSelections === 2);
  });

  it('checks the number of choices a poll allows, and toggles answers up to it', () => {
    assert.equal(pollProblem('Q?', ['a', 'b', 'c'], 3), null);
    assert.match(pollProblem('Q?', ['a', 'b', ''], 3) ?? '', /at most 3 answers, but the poll has only 2/);
    assert.match(pollProblem('Q?', ['a', 'b'], 0) ?? '', /at least one answer/);
    assert.deepEqual(nextChoice(['a'], 'b', 1), ['b'], 'single choice: the new answer replaces the old');
    assert.deepEqual(nextChoice(['a'], 'b', 2), ['a', 'b']);
    assert.deepEqual(nextChoice(['a', 'b'], 'a', 2), ['b'], 'a chosen answer is taken back');
    assert.deepEqual(nextChoice(['a', 'b'], 'c', 2), ['b', 'c'], 'one too many lets go of the earliest');
    assert.deepEqual(nextChoice(['a'], 'a', 3), []);
  });

  it('reads coordinates as people write them and sends a location the timeline reads back', () => {
    assert.deepEqual(parseCoordinates('51.5074, -0.1278'), { lat: 51.5074, lon: -0.1278 });
    assert.deepEqual(parseCoordinates('51.5074 -0.1278'), { lat: 51.5074, lon: -0.1278 });
    assert.deepEqual(parseCoordinates('geo:48.85,2.35;u=10'), { lat: 48.85, lon: 2.35 });
    assert.match(parseCoordinates('London') as string, /latitude, longitude/);
    assert.match(parseCoordinates('95, 0') as string, /latitude 95 is outside/);
    assert.match(parseCoordinates('0, 200') as string, /longitude 200 is outside/);
    const content = locationContent(51.5, -0.12, 'The office', 0, 12.4);
    assert.equal(content.geo_uri, 'geo:51.5,-0.12;u=12');
    assert.equal(content.body, 'The office: geo:51.5,-0.12;u=12 at 1970-01-01T00:00:00.000Z');
    const v = viewEvent(ev(1, { content }));
    assert.ok(v?.kind === 'message' && v.extra?.kind === 'location');
    assert.equal(v.extra.description, 'The office');
    assert.equal(v.body, '', 'the fallback text is not shown under the location');
    assert.equal(previewText(ev(1, { content }), () => 'Alice'), 'Alice: Location: The office');
    assert.equal(previewText(ev(2, { content: locationContent(1, 2, '', 0) }), () => 'Alice'), 'Alice: Location: 1.00000, 2.00000');
    const plain = viewEvent(ev(2, { content: locationContent(1, 2, '', 0) }));
    assert.ok(plain?.kind === 'message' && plain.extra?.kind === 'location' && plain.body === '' && plain.extra.description === '');
  });
});
