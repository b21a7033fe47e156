/**
 * The seeded search of sync-malformed.test.ts: a /sync response that uses most of what processSync reads (state of
 * most kinds, messages of every msgtype, replies, threads, edits with and without a bundle, reactions, redactions,
 * polls, calls, sticky events, membership changes, receipts, typing, room and global account data, push rules,
 * presence, invites, leaves and knocks), and two ways of breaking it: values anywhere replaced by wrongly typed ones,
 * or a few values inside most events. The same seed gives the same responses, so a failure names its round.
 */
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const ME = '@me:hs';

/** A small, fast generator of numbers in [0, 1) from a seed (a linear congruential one: enough to pick with). */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Values of every JSON type and some that look right but are not: what a field gets instead of its own value. */
const JUNK: readonly Json[] = [
  null, 0, -1, 1.5, 1e308, JSON.parse('1e400') as number, -(2 ** 60), '', 'x', '$f5', ME, 'mxc://hs/z', '<script>x</script>',
  [], [null], [1, 'a'], {}, { a: 1 }, true, false, 'x'.repeat(70_000), '\ud800', 'a\u0000b', '$'.repeat(300),
  [[[]]], { event_id: 5 }, { rel_type: 'm.replace', event_id: '$f16' }, { 'm.new_content': 5 }, { length: -1 },
];

export function fullResponse(nextBatch: string): SyncResponse {
  let n = 0;
  const ts = 1_700_000_000_000;
  const ev = (type: string, content: Obj, extra: Obj = {}): Obj =>
    ({ event_id: `$f${++n}`, type, sender: '@bob:hs', origin_server_ts: ts + n, content, ...extra });
  const room = (i: number): Obj => ({
    summary: { 'm.heroes': ['@bob:hs'], 'm.joined_member_count': 2, 'm.invited_member_count': 1 },
    state: { events: [
      ev('m.room.create', i === 2 ? { room_version: '11', type: 'm.space' } : { room_version: '11' }, { state_key: '' }),
      ev('m.room.power_levels', { users: { '@bob:hs': 100 }, events: { 'm.room.name': 50 }, notifications: { room: 50 } }, { state_key: '' }),
      ev('m.room.member', { membership: 'join', displayname: 'Bob', avatar_url: 'mxc://hs/a' }, { state_key: '@bob:hs' }),
      ev('m.room.member', { membership: 'join', displayname: 'Me' }, { state_key: ME, sender: ME }),
      ev('m.room.name', { name: `Room ${i}` }, { state_key: '' }),
      ev('m.room.topic', { topic: 'T', 'm.topic': [{ mimetype: 'text/html', body: '<b>T</b>' }] }, { state_key: '' }),
      ev('m.room.avatar', { url: 'mxc://hs/r' }, { state_key: '' }),
      ev('m.room.canonical_alias', { alias: `#r${i}:hs`, alt_aliases: ['#s:hs'] }, { state_key: '' }),
      ev('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }, { state_key: '' }),
      ev('m.room.pinned_events', { pinned: ['$f1'] }, { state_key: '' }),
      ev('m.space.child', { via: ['hs'], order: 'a' }, { state_key: '!r1:hs' }),
      ev('m.space.parent', { via: ['hs'], canonical: true }, { state_key: '!r2:hs' }),
      ev('m.room.join_rules', { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!r2:hs' }] }, { state_key: '' }),
      ev('m.room.tombstone', { body: 'moved', replacement_room: '!r9:hs' }, { state_key: '' }),
    ] },
    timeline: { limited: i === 0, prev_batch: `p${i}`, events: [
      ev('m.room.message', { msgtype: 'm.text', body: 'hello Me', format: 'org.matrix.custom.html',
        formatted_body: '<p>hi <a href="https://matrix.to/#/@me:hs">Me</a><img src="mxc://hs/i"></p>', 'm.mentions': { user_ids: [ME], room: true } }),
      ev('m.room.message', { msgtype: 'm.image', body: 'pic.png', url: 'mxc://hs/p',
        info: { w: 10, h: 10, mimetype: 'image/png', size: 5, thumbnail_url: 'mxc://hs/t', thumbnail_info: { w: 1, h: 1 } } }),
      ev('m.room.message', { msgtype: 'm.file', body: 'f', file: { url: 'mxc://hs/f', key: { k: 'x' }, iv: 'y', hashes: { sha256: 'z' }, v: 'v2' },
        info: { thumbnail_file: { url: 'mxc://hs/tf' } } }),
      ev('m.room.message', { msgtype: 'm.text', body: '> quoted\n\nok', 'm.relates_to': { 'm.in_reply_to': { event_id: '$f15' } } }),
      ev('m.room.message', { msgtype: 'm.text', body: 'in a thread',
        'm.relates_to': { rel_type: 'm.thread', event_id: '$f15', is_falling_back: true, 'm.in_reply_to': { event_id: '$f15' } } }),
      ev('m.room.message', { msgtype: 'm.text', body: '* edited', 'm.new_content': { msgtype: 'm.text', body: 'edited', format: 'org.matrix.custom.html',
        formatted_body: '<i>edited</i>' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$f15' } }),
      ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$f15', key: '👍' } }),
      ev('m.room.redaction', { redacts: '$f16', reason: 'x' }, { redacts: '$f16' }),
      ev('m.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA', session_id: 'S', sender_key: 'K', device_id: 'D' }),
      ev('m.sticker', { body: 's', url: 'mxc://hs/s', info: {} }),
      ev('m.poll.start', { 'm.poll': { question: { 'm.text': [{ body: 'q' }] }, answers: [{ 'm.id': 'a', 'm.text': [{ body: 'A' }] }] } }),
      ev('m.poll.response', { 'm.relates_to': { rel_type: 'm.reference', event_id: '$f25' }, 'm.selections': ['a'] }),
      ev('m.call.invite', { call_id: 'c', version: '1', lifetime: 60000, offer: { type: 'offer', sdp: 'v=0' } }),
      ev('m.room.message', { msgtype: 'm.emote', body: 'waves' }, { unsigned: { 'm.relations': { 'm.replace': {
        event_id: '$bundled', origin_server_ts: ts, sender: '@bob:hs', type: 'm.room.message', room_id: `!r${i}:hs`,
        content: { body: '* waves twice', 'm.new_content': { body: 'waves twice', msgtype: 'm.emote' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$f28' } },
      } }, transaction_id: 'txn1', age: 5 } }),
      ev('org.matrix.msc4354.sticky.x', { x: 1 }, { sticky: { duration_ms: 60000 } }),
      ev('m.room.member', { membership: 'leave' }, { state_key: '@carol:hs', sender: '@carol:hs', unsigned: { prev_content: { membership: 'join', displayname: 'Carol' } } }),
      ev('m.room.member', { membership: 'invite', displayname: 'Dan', is_direct: true }, { state_key: '@dan:hs' }),
      ev('m.room.member', { membership: 'ban', reason: 'spam' }, { state_key: '@eve:hs' }),
      ev('m.room.message', { msgtype: 'm.location', body: 'here', geo_uri: 'geo:1,2' }, { sender: ME }),
      ev('m.room.message', { msgtype: 'm.audio', body: 'a', url: 'mxc://hs/au', info: { duration: 5 }, 'org.matrix.msc3245.voice': {} }),
      ev('m.room.message', { msgtype: 'm.notice', body: 'n' }, { unsigned: { redacted_because: { type: 'm.room.redaction', sender: '@bob:hs', content: {} } } }),
    ] },
    ephemeral: { events: [
      { type: 'm.typing', content: { user_ids: ['@bob:hs'] } },
      { type: 'm.receipt', content: { $f15: { 'm.read': { '@bob:hs': { ts: 1, thread_id: 'main' } }, 'm.read.private': { [ME]: { ts: 2 } } } } },
    ] },
    account_data: { events: [
      { type: 'm.fully_read', content: { event_id: '$f15' } },
      { type: 'm.marked_unread', content: { unread: true } },
      { type: 'm.tag', content: { tags: { 'm.favourite': { order: 0.5 } } } },
    ] },
    unread_notifications: { notification_count: 2, highlight_count: 1 },
    unread_thread_notifications: { $f15: { notification_count: 1 } },
  });
  const resp: Obj = {
    next_batch: nextBatch,
    account_data: { events: [
      { type: 'm.direct', content: { '@bob:hs': ['!r0:hs'] } },
      { type: 'm.ignored_user_list', content: { ignored_users: { '@troll:hs': {} } } },
      { type: 'm.push_rules', content: { global: {
        override: [{ rule_id: '.m.rule.master', default: true, enabled: false, conditions: [], actions: [] }],
        content: [{ rule_id: 'keyword', pattern: 'hello', enabled: true, actions: ['notify', { set_tweak: 'highlight' }] }],
        underride: [{ rule_id: '.m.rule.message', default: true, enabled: true, conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }], actions: ['notify'] }],
        room: [], sender: [],
      } } },
    ] },
    presence: { events: [{ type: 'm.presence', sender: '@bob:hs', content: { presence: 'online', last_active_ago: 5, status_msg: 'hi' } }] },
    rooms: {
      join: { '!r0:hs': room(0), '!r1:hs': room(1), '!r2:hs': room(2) },
      invite: { '!i:hs': { invite_state: { events: [
        { type: 'm.room.member', sender: '@bob:hs', state_key: ME, content: { membership: 'invite', is_direct: true } },
        { type: 'm.room.name', sender: '@bob:hs', state_key: '', content: { name: 'Invited' } },
      ] } } },
      leave: { '!l:hs': { timeline: { events: [ev('m.room.member', { membership: 'leave' }, { state_key: ME, sender: ME })] }, state: { events: [] } } },
      knock: { '!k:hs': { knock_state: { events: [{ type: 'm.room.member', sender: ME, state_key: ME, content: { membership: 'knock' } }] } } },
    },
  };
  return resp as unknown as SyncResponse;
}

type Path = (string | number)[];

function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p);
    paths(v, p, out);
  }
  return out;
}

/** Replaces the value at `path` under `root` by junk, or deletes it (one time in seven). */
function breakAt(root: Json, path: Path, rnd: () => number): void {
  let parent: Json = root;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, Json>)[key];
  }
  if (parent === null || typeof parent !== 'object') return;
  const last = path[path.length - 1];
  const holder = parent as Record<string | number, Json>;
  if (rnd() < 1 / 7) delete holder[last];
  else holder[last] = structuredClone(JUNK[Math.floor(rnd() * JUNK.length)]);
}

/** `count` values anywhere in `resp` (a response, a page of history) broken. */
export function mutateAnywhere(resp: object, rnd: () => number, count: number): void {
  const root = resp as Json;
  const all = paths(root);
  for (let i = 0; i < count; i++) breakAt(root, all[Math.floor(rnd() * all.length)], rnd);
}

/** One or two values inside most events of the joined rooms broken, mostly in their content and unsigned. */
export function mutateEvents(resp: SyncResponse, rnd: () => number): void {
  for (const room of Object.values(resp.rooms?.join ?? {})) {
    for (const section of [room.state?.events, room.timeline?.events]) {
      for (const ev of section ?? []) {
        if (rnd() < 0.4) continue;
        const root = ev as unknown as Json;
        const inside = paths(root).filter((p) => p[0] === 'content' || p[0] === 'unsigned' || rnd() < 0.2);
        const count = 1 + Math.floor(rnd() * 2);
        for (let i = 0; i < count && inside.length; i++) breakAt(root, inside[Math.floor(rnd() * inside.length)], rnd);
      }
    }
  }
}
