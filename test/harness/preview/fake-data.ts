/**
 * The made-up but realistic data the preview backend serves: people (some without avatar or display name), eight
 * rooms of different kinds (DM, encrypted, long history to paginate, unread and highlight counts) and their
 * messages, in the shapes the contract uses.
 */
import type { Event, JSONObject, Room } from '../../../src/shared/rpc/types.ts';

export const ME = '@you:lattice.test';
export const SERVER = 'lattice.test';
export const GOOD_PASSWORD = 'hunter2';

interface Person { id: string; name: string; avatar?: string }
export const people: Record<string, Person> = {
  me: { id: ME, name: 'You Yourself', avatar: `mxc://${SERVER}/you` },
  alice: { id: '@alice:lattice.test', name: 'Alice Chen', avatar: `mxc://${SERVER}/alice` },
  bob: { id: '@bob:lattice.test', name: 'Bob Martin', avatar: `mxc://${SERVER}/bob` },
  carol: { id: '@carol:example.org', name: 'Carol Okafor', avatar: 'mxc://example.org/carol-wide' },
  dave: { id: '@dave:lattice.test', name: 'Dave' },
  erin: { id: '@erin:matrix.org', name: 'Erin Schultz', avatar: 'mxc://matrix.org/gone' }, // 404: initials
  bot: { id: '@releasebot:lattice.test', name: 'Release Bot' },
  frank: { id: '@frank:lattice.test', name: '' }, // no display name: shows the localpart
};

type Line = [who: keyof typeof people, text: string, extra?: Partial<Event>];

interface RoomSpec {
  id: string;
  name?: string;
  /** The room's own avatar; DMs get the partner's, as the backend does. */
  avatar?: string;
  topic?: string;
  alias?: string;
  dm?: keyof typeof people;
  members: (keyof typeof people)[];
  unread?: [messages: number, notifications: number, highlights: number];
  encrypted?: boolean;
  /** Oldest first. Generated filler comes before these when `history` is set. */
  lines: Line[];
  history?: number;
  /** Minutes between messages, going back from now. */
  spacing: number;
  /** Emoji and sticker packs (im.ponies.room_emotes content by state key), for Settings → Emoji & stickers. */
  packs?: Record<string, JSONObject>;
}

const html = (s: string): Partial<Event> => ({ local_content: { sanitized_html: s } });

/** The event ID of line `i` of a room (lines are numbered after any generated history). */
export const lineEventId = (roomId: string, i: number): string => `$${roomId.slice(1, roomId.indexOf(':'))}-${i}`;

/** A reply to line `i`, with the fallback old clients send (the renderer must strip it). */
function reply(roomId: string, i: number, quotedSender: string, quoted: string, body: string): Partial<Event> {
  return {
    content: {
      msgtype: 'm.text', body: `> <${quotedSender}> ${quoted}\n\n${body}`,
      format: 'org.matrix.custom.html',
      formatted_body: `<mx-reply><blockquote>In reply to ${quotedSender}<br>${quoted}</blockquote></mx-reply>${body}`,
      'm.relates_to': { 'm.in_reply_to': { event_id: lineEventId(roomId, i) } },
    },
    local_content: { sanitized_html: `<mx-reply><blockquote>In reply to ${quotedSender}<br>${quoted}</blockquote></mx-reply>${body}` },
  };
}

/** An edit of line `i`: hidden itself, its m.new_content shown in place of the original. */
function edit(roomId: string, i: number, body: string): Partial<Event> {
  return {
    content: { msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: lineEventId(roomId, i) } },
    relation_type: 'm.replace', relates_to: lineEventId(roomId, i),
  };
}

function reaction(roomId: string, i: number, key: string): Partial<Event> {
  return {
    type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: lineEventId(roomId, i), key } },
    relation_type: 'm.annotation', relates_to: lineEventId(roomId, i),
  };
}

const DESIGN = '!design:lattice.test';

export const roomSpecs: RoomSpec[] = [
  {
    id: '!design:lattice.test', name: 'Design Team', avatar: `mxc://${SERVER}/design`, topic: 'Mockups, critiques and the occasional meme · Figma links go here',
    members: ['me', 'alice', 'bob', 'carol', 'frank'], unread: [3, 3, 0], spacing: 7,
    // Two packs under different state keys, one named with a picture and attribution, one not.
    packs: {
      '': {
        pack: { display_name: 'Design reactions', avatar_url: `mxc://${SERVER}/emoji-ship`, attribution: 'Drawn by Alice for the team' },
        images: {
          ship_it: { url: `mxc://${SERVER}/emoji-ship` }, lgtm: { url: `mxc://${SERVER}/emoji-lgtm` }, pixel: { url: `mxc://${SERVER}/emoji-pixel` },
        },
      },
      stickers: { pack: { usage: ['sticker'] }, images: { big_wave: { url: `mxc://${SERVER}/emoji-lgtm`, body: 'A big wave' } } },
    },
    lines: [
      ['alice', 'Morning! I pushed the new onboarding flow to the shared file.'],
      ['alice', 'Three screens instead of five, and the homeserver step is now optional.'],
      ['bob', 'Nice, looking now'],
      ['carol', 'The illustration on screen 2 feels a bit heavy next to the form. Could we try the outline style?'],
      ['frank', 'agree with carol'],
      ['me', 'I like the shorter flow. One question: where does the recovery key prompt go?'],
      ['alice', 'After the first sync, as a banner — not a blocking modal.', html('After the first sync, as a <strong>banner</strong> — not a blocking modal.')],
      ['bob', 'Quick checklist for the review:\n- contrast on the secondary buttons\n- focus rings\n- dark mode', html('<p>Quick checklist for the review:</p><ul><li>contrast on the secondary buttons</li><li>focus rings</li><li>dark mode</li></ul>')],
      ['carol', 'looks great', { content: {}, redacted_by: '$redaction' }],
      ['alice', 'I\'ll have the outline version by lunch 🎨', { reactions: { '👍': 3, '🎉': 1 } }],
      ['me', '', reaction(DESIGN, 9, '👍')],
      ['bob', 'Can someone share the latest tokens file?'],
      ['alice', 'Here: `tokens/v3.json` in the design repo', html('Here: <code>tokens/v3.json</code> in the design repo')],
      ['alice', '', edit(DESIGN, 1, 'Three screens instead of five, and the homeserver step is optional now (edited wording).')],
      ['carol', 'outline-v2.png', { content: { msgtype: 'm.image', body: 'outline-v2.png', url: `mxc://${SERVER}/photo`, info: { w: 640, h: 400, mimetype: 'image/png', size: 48_213 } } }],
      ['bob', '', reply(DESIGN, 9, '@alice:lattice.test', 'I\'ll have the outline version by lunch 🎨', 'Outline version looks much lighter, ship it')],
      ['erin', 'onboarding-spec.pdf', { content: { msgtype: 'm.file', body: 'onboarding-spec.pdf', url: `mxc://${SERVER}/spec`, info: { mimetype: 'application/pdf', size: 248_000 } } }],
    ],
  },
  {
    id: '!dm-alice:lattice.test', dm: 'alice', members: ['me', 'alice'], unread: [2, 2, 1], spacing: 3,
    lines: [
      ['me', 'Are we still on for the sync meeting?'],
      ['alice', 'Yes! 3pm works'],
      ['alice', '@you can you bring the notes from Tuesday?', html('<a href="https://matrix.to/#/@you:lattice.test">You Yourself</a> can you bring the notes from Tuesday?')],
    ],
  },
  {
    id: '!dev:lattice.test', name: 'Lattice Dev', topic: 'Building a Matrix client in TypeScript. CI: green is good.',
    alias: '#lattice-dev:lattice.test', members: ['me', 'bob', 'dave', 'erin', 'bot'], unread: [12, 0, 0], history: 140, spacing: 11,
    lines: [
      ['bot', 'Build #482 passed on main (3m 12s)', { content: { msgtype: 'm.notice', body: 'Build #482 passed on main (3m 12s)' } }],
      ['dave', 'Pagination now returns newest-first, as gomuks does'],
      ['erin', 'Here is the query I used:\n\nSELECT rowid FROM timeline WHERE room_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?', html('<p>Here is the query I used:</p><pre><code class="language-sql">SELECT rowid FROM timeline\nWHERE room_id = ? AND rowid &lt; ?\nORDER BY rowid DESC LIMIT ?\n</code></pre>')],
      ['bob', 'waves at everyone', { content: { msgtype: 'm.emote', body: 'waves at everyone' } }],
      ['dave', 'Renderer preview is up, screenshots in the PR'],
      ['erin', '', reply('!dev:lattice.test', 0, '@bob:lattice.test', 'Pushed a fix for the flaky websocket test (1)', 'Did that fix hold up?')],
    ],
  },
  {
    id: '!hq:matrix.org', name: 'Matrix HQ', avatar: 'mxc://matrix.org/hq', topic: 'The Official Matrix HQ - please be courteous', alias: '#matrix:matrix.org',
    members: ['me', 'erin', 'carol', 'dave'], spacing: 95,
    lines: [
      ['erin', 'Has anyone tried sliding sync with a small homeserver?'],
      ['carol', 'Works fine for me on Synapse 1.120'],
      ['dave', 'Same here.'],
    ],
  },
  {
    id: '!books:example.org', name: 'Book Club', avatar: 'mxc://example.org/missing', topic: 'This month: The Left Hand of Darkness',
    members: ['me', 'carol', 'alice', 'erin'], unread: [1, 0, 0], spacing: 240,
    lines: [
      ['carol', 'Finished chapter 9 last night. The ice crossing!'],
      ['erin', 'No spoilers please 🙈'],
      ['carol', '『闇の左手』の翻訳版も読みました — 冬の惑星ゲセン、素晴らしい。'],
      ['alice', 'is halfway there', { content: { msgtype: 'm.emote', body: 'is halfway there' } }],
    ],
  },
  {
    id: '!hiking:lattice.test', name: 'Weekend Hiking', members: ['me', 'bob', 'dave'], spacing: 600,
    lines: [
      ['bob', 'Saturday 8am at the trailhead?'],
      ['dave', 'I\'m in. Bringing the big thermos.'],
    ],
  },
  {
    id: '!dm-bob:lattice.test', dm: 'bob', members: ['me', 'bob'], spacing: 1500,
    lines: [
      ['bob', 'thanks for the review!'],
      ['me', 'Any time'],
    ],
  },
  {
    id: '!announce:lattice.test', name: 'Announcements', topic: 'Read-only', members: ['me', 'bot'], encrypted: true, spacing: 3000,
    lines: [
      ['bot', 'Lattice 0.1.0 released', { content: { msgtype: 'm.notice', body: 'Lattice 0.1.0 released' } }],
      ['bot', '', { type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEnAC…' } }],
    ],
  },
];

export interface FakeRoom {
  spec: RoomSpec | null;
  meta: Room;
  /** Everything, oldest first, each with its final timeline_rowid. */
  timeline: Event[];
  stateEvents: Event[];
  /** How many of the newest timeline events the first sync sends; older ones come through paginate. */
  initialCount: number;
  nextTimelineRowid: number;
}

/** The rooms as the backend would hold them `now`; `rowid` hands out event rowids (shared with later events). */
export function buildRooms(now: number, rowid: () => number): Map<string, FakeRoom> {
  const rooms = new Map<string, FakeRoom>();
  for (const spec of roomSpecs) {
    const mk = (who: string, type: string, content: JSONObject, ts: number, extra: Partial<Event> = {}): Event => ({
      rowid: rowid(), timeline_rowid: 0, room_id: spec.id, event_id: `$${Math.random().toString(36).slice(2, 14)}`,
      sender: who, type, timestamp: ts, content, ...extra,
    });
    const lines: Line[] = [];
    for (let i = 0; i < (spec.history ?? 0); i++) {
      const who = spec.members[1 + (i % (spec.members.length - 1))];
      lines.push([who, fillerText(i)]);
    }
    lines.push(...spec.lines);
    const creator = people[spec.members[spec.members.length > 1 ? 1 : 0]].id;
    const start = now - (lines.length + 4) * spec.spacing * 60_000;
    const stateEvents: Event[] = [];
    const createEv = mk(creator, 'm.room.create', { room_version: '11', creator }, start, { state_key: '' });
    stateEvents.push(createEv);
    const memberEvents = spec.members.map((k, i) => mk(people[k].id, 'm.room.member',
      {
        membership: 'join', ...(people[k].name ? { displayname: people[k].name } : {}),
        ...(people[k].avatar ? { avatar_url: people[k].avatar } : {}),
      }, start + (i + 1) * 1000, { state_key: people[k].id }));
    stateEvents.push(...memberEvents);
    if (spec.name) stateEvents.push(mk(creator, 'm.room.name', { name: spec.name }, start + 10_000, { state_key: '' }));
    if (spec.topic) stateEvents.push(mk(creator, 'm.room.topic', { topic: spec.topic }, start + 11_000, { state_key: '' }));
    for (const [key, content] of Object.entries(spec.packs ?? {})) {
      stateEvents.push(mk(creator, 'im.ponies.room_emotes', content, start + 12_000, { state_key: key }));
    }

    // When there is no long history, the room's start is visible: show its creation and joins in the timeline.
    const timeline: Event[] = spec.history ? [] : [createEv, ...memberEvents.slice(0, 3), ...stateEvents.filter((e) => e.type === 'm.room.name')];
    lines.forEach(([who, text, extra], i) => {
      const content: JSONObject = { msgtype: 'm.text', body: text };
      const ev = mk(people[who].id, extra?.type ?? 'm.room.message', content, start + (i + 4) * spec.spacing * 60_000 + (i % 7) * 4_000, extra);
      ev.event_id = lineEventId(spec.id, i);
      if (extra?.content) ev.content = extra.content;
      timeline.push(ev);
    });
    // Edits point their target at the newest edit, as the backend's last_edit_rowid does.
    for (const ev of timeline) {
      if (ev.relation_type !== 'm.replace') continue;
      const target = timeline.find((t) => t.event_id === ev.relates_to);
      if (target) target.last_edit_rowid = ev.rowid;
    }
    // Timeline rowids: history below zero like fetched-backwards events, the rest rising.
    const initialCount = Math.min(timeline.length, 25);
    const split = timeline.length - initialCount;
    timeline.forEach((e, i) => { e.timeline_rowid = i < split ? -(split - i) : i - split + 1; });

    const last = timeline[timeline.length - 1];
    const [m, n, h] = spec.unread ?? [0, 0, 0];
    const meta: Room = {
      room_id: spec.id,
      name: spec.name ?? (spec.dm ? people[spec.dm].name : undefined),
      name_quality: spec.name ? 3 : 1,
      avatar: spec.avatar ?? (spec.dm ? people[spec.dm].avatar : undefined),
      explicit_avatar: spec.avatar !== undefined,
      dm_user_id: spec.dm ? people[spec.dm].id : undefined,
      topic: spec.topic,
      canonical_alias: spec.alias,
      lazy_load_summary: { 'm.joined_member_count': spec.members.length },
      encryption_event: spec.encrypted ? { algorithm: 'm.megolm.v1.aes-sha2' } : undefined,
      has_member_list: true,
      preview_event_rowid: last.rowid,
      sorting_timestamp: last.timestamp,
      unread_messages: m, unread_notifications: n, unread_highlights: h,
    };
    rooms.set(spec.id, { spec, meta, timeline, stateEvents, initialCount, nextTimelineRowid: initialCount + 1 });
  }
  return rooms;
}

function fillerText(i: number): string {
  const lines = [
    'Pushed a fix for the flaky websocket test', 'Can you take a look at #214?', 'LGTM',
    'The migration runs in 40 ms on my 10k-room account', 'Rebased on main', 'Does anyone know why CI is slow today?',
    'I think it is the npm cache', 'Merged!', 'Let\'s keep the store immutable, it makes memoization trivial',
    'Profiling shows the sort is negligible', 'Next up: read receipts', 'Sounds good',
  ];
  return `${lines[i % lines.length]} (${i + 1})`;
}

export function stateMap(events: Event[]): Record<string, Record<string, number>> {
  const map: Record<string, Record<string, number>> = {};
  for (const e of events) (map[e.type] ??= {})[e.state_key ?? ''] = e.rowid;
  return map;
}

/** A space holding the design and dev rooms, shown in the spaces bar. */
export const SPACE_ID = '!project:lattice.test';
export const SPACE_CHILDREN = ['!design:lattice.test', '!dev:lattice.test'];
/** Book Club is a favourite (m.tag), and someone invited us to a room. */
export const FAVOURITE_ID = '!books:example.org';
export const INVITE_ID = '!party:lattice.test';
