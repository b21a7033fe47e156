/**
 * A stand-in backend for looking at the renderer: serves the built `dist/renderer` over http and speaks the RPC
 * envelope on `/_gomuks/websocket` with made-up but realistic data (8 rooms, members, long history to paginate,
 * local echo → send_complete → sync placement, mark_read clearing badges), and generated PNG avatars on
 * `/_gomuks/media/` for some rooms and people (one of them missing, to show the fallback to initials).
 *
 *   node test/harness/fake-backend-preview.ts [--port 8080] [--logged-out] [--auth-fail]
 *   node test/harness/fake-backend-preview.ts --screenshots test-artifacts/screenshots
 *
 * The first form runs until interrupted; the second drives Chromium through login and the room view, saves PNGs
 * and exits non-zero if an expectation along the way fails. Build first: `node_modules/.bin/vite build`.
 * Nothing here is the real backend: the end-to-end test against it lives elsewhere.
 */
import { readFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '../../src/shared/rpc/envelope.ts';
import { parseMediaPath, type MediaRequest } from '../../src/shared/rpc/media.ts';
import type {
  ClientState, Event, JSONObject, PaginationResponse, Room, SyncComplete, SyncRoom, SyncStatus,
} from '../../src/shared/rpc/types.ts';

const ME = '@you:lattice.test';
const SERVER = 'lattice.test';
const GOOD_PASSWORD = 'hunter2';
const DIST = resolve(import.meta.dirname, '../../dist/renderer');

// ---- made-up data ------------------------------------------------------------------------------------------

interface Person { id: string; name: string; avatar?: string }
const people: Record<string, Person> = {
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
}

const html = (s: string): Partial<Event> => ({ local_content: { sanitized_html: s } });

const roomSpecs: RoomSpec[] = [
  {
    id: '!design:lattice.test', name: 'Design Team', avatar: `mxc://${SERVER}/design`, topic: 'Mockups, critiques and the occasional meme · Figma links go here',
    members: ['me', 'alice', 'bob', 'carol', 'frank'], unread: [3, 3, 0], spacing: 7,
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
      ['bob', 'Can someone share the latest tokens file?'],
      ['alice', 'Here: `tokens/v3.json` in the design repo', html('Here: <code>tokens/v3.json</code> in the design repo')],
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

let nextRowid = 1;
function rowid(): number { return nextRowid++; }

interface FakeRoom {
  spec: RoomSpec;
  meta: Room;
  /** Everything, oldest first, each with its final timeline_rowid. */
  timeline: Event[];
  stateEvents: Event[];
  /** How many of the newest timeline events the first sync sends; older ones come through paginate. */
  initialCount: number;
  nextTimelineRowid: number;
}

function buildRooms(now: number): Map<string, FakeRoom> {
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

    // When there is no long history, the room's start is visible: show its creation and joins in the timeline.
    const timeline: Event[] = spec.history ? [] : [createEv, ...memberEvents.slice(0, 3), ...stateEvents.filter((e) => e.type === 'm.room.name')];
    lines.forEach(([who, text, extra], i) => {
      const content: JSONObject = { msgtype: 'm.text', body: text };
      const ev = mk(people[who].id, 'm.room.message', content, start + (i + 4) * spec.spacing * 60_000 + (i % 7) * 4_000, extra);
      if (extra?.content) ev.content = extra.content;
      timeline.push(ev);
    });
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
      lazy_load_summary: { joined_member_count: spec.members.length },
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

function stateMap(events: Event[]): Record<string, Record<string, number>> {
  const map: Record<string, Record<string, number>> = {};
  for (const e of events) (map[e.type] ??= {})[e.state_key ?? ''] = e.rowid;
  return map;
}

// ---- the fake backend ---------------------------------------------------------------------------------------

export interface FakeBackendOptions {
  loggedIn: boolean;
  authFail: boolean;
  /** Delays answers to paginate, so a test can watch the loading state. */
  paginateDelayMs: number;
}

export class FakeBackend {
  rooms = buildRooms(Date.now());
  clientState: ClientState;
  /** Every media request the page made, to check the thumbnail sizes it asks for. */
  readonly mediaRequests: MediaRequest[] = [];
  private readonly sockets = new Set<WebSocket>();
  private eventId = 0;
  private readonly opts: FakeBackendOptions;

  constructor(opts: FakeBackendOptions) {
    this.opts = opts;
    this.clientState = opts.loggedIn
      ? { is_initialized: true, is_logged_in: true, is_verified: true, user_id: ME, device_id: 'PREVIEW', homeserver_url: `https://matrix.${SERVER}` }
      : { is_initialized: true, is_logged_in: false, is_verified: false };
  }

  get authFail(): boolean { return this.opts.authFail; }

  attach(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (raw) => {
      let env: Envelope;
      try {
        env = JSON.parse((raw as Buffer).toString('utf8')) as Envelope;
      } catch {
        return;
      }
      void this.handle(ws, env);
    });
    this.send(ws, 'run_id', { run_id: 'preview-run', etag: 'preview' });
    this.send(ws, 'client_state', this.clientState);
    if (this.clientState.is_logged_in) this.sendInitialSync(ws);
  }

  /** Pushes an event to every connected page. */
  broadcast(command: string, data: unknown): void {
    for (const ws of this.sockets) this.send(ws, command, data);
  }

  private send(ws: WebSocket, command: string, data: unknown, requestId?: number): void {
    this.eventId -= 1;
    ws.send(JSON.stringify({ command, request_id: requestId ?? this.eventId, data }));
  }

  private sendInitialSync(ws: WebSocket): void {
    const rooms: Record<string, SyncRoom> = {};
    for (const [id, r] of this.rooms) {
      const recent = r.timeline.slice(-r.initialCount);
      rooms[id] = {
        meta: r.meta,
        events: [...recent, ...r.stateEvents.filter((e) => e.type !== 'm.room.member' || e.sender === ME)],
        timeline: recent.map((e) => ({ timeline_rowid: e.timeline_rowid, event_rowid: e.rowid })),
        state: stateMap(r.stateEvents.filter((e) => e.type !== 'm.room.member' || e.sender === ME)),
      };
    }
    const sync: SyncComplete = { clear_state: true, since: 's1', rooms };
    this.send(ws, 'sync_complete', sync);
    this.send(ws, 'sync_status', { type: 'ok' } satisfies SyncStatus);
    this.send(ws, 'init_complete', {});
  }

  private async handle(ws: WebSocket, env: Envelope): Promise<void> {
    const id = env.request_id;
    const reply = (data: unknown): void => { if (id !== undefined) this.send(ws, 'response', data, id); };
    const fail = (message: string): void => { if (id !== undefined) this.send(ws, 'error', message, id); };
    const data = (env.data ?? {}) as Record<string, unknown>;
    switch (env.command) {
      case 'ping':
        ws.send(JSON.stringify({ command: 'pong', request_id: id }));
        return;
      case 'get_state':
        reply(this.clientState);
        return;
      case 'discover_homeserver': {
        const server = /^@[^:]+:(.+)$/.exec(String(data.user_id))?.[1];
        await sleep(150);
        if (!server || server.endsWith('.invalid')) fail(`failed to discover homeserver: lookup ${server}: no such host`);
        else reply({ 'm.homeserver': { base_url: `https://matrix.${server}` } });
        return;
      }
      case 'login': {
        await sleep(400);
        if (String(data.homeserver_url).includes('unreachable')) {
          fail(`failed to log in: Post "${String(data.homeserver_url)}/_matrix/client/v3/login": dial tcp: connect: connection refused`);
        } else if (data.password !== GOOD_PASSWORD) {
          fail('failed to log in: M_FORBIDDEN (HTTP 403): Invalid username or password');
        } else {
          reply(true);
          this.clientState = { is_initialized: true, is_logged_in: true, is_verified: true, user_id: ME, device_id: 'PREVIEW', homeserver_url: String(data.homeserver_url) };
          for (const s of this.sockets) {
            this.send(s, 'client_state', this.clientState);
            this.sendInitialSync(s);
          }
        }
        return;
      }
      case 'logout':
        reply(true);
        this.clientState = { is_initialized: true, is_logged_in: false, is_verified: false };
        this.broadcast('client_state', this.clientState);
        return;
      case 'get_room_state': {
        const r = this.rooms.get(String(data.room_id));
        if (!r) { fail('room not found'); return; }
        await sleep(80);
        reply(r.stateEvents);
        return;
      }
      case 'paginate': {
        const r = this.rooms.get(String(data.room_id));
        if (!r) { fail('room not found'); return; }
        const max = typeof data.max_timeline_id === 'number' ? data.max_timeline_id : Infinity;
        const limit = typeof data.limit === 'number' ? data.limit : 50;
        await sleep(this.opts.paginateDelayMs);
        const older = r.timeline.filter((e) => e.timeline_rowid < max).slice(-limit).reverse();
        const lowest = older.length ? older[older.length - 1].timeline_rowid : max;
        const resp: PaginationResponse = {
          events: older, receipts: {}, related_events: [],
          has_more: r.timeline.some((e) => e.timeline_rowid < lowest), from_server: false,
        };
        reply(resp);
        return;
      }
      case 'send_message': {
        const r = this.rooms.get(String(data.room_id));
        const text = typeof data.text === 'string' ? data.text : '';
        if (!r) { fail('room not found'); return; }
        if (!text.trim()) { fail('text or base_content is required'); return; }
        const txn = `txn${++this.eventId}${Date.now()}`;
        const echo: Event = {
          rowid: rowid(), timeline_rowid: 0, room_id: r.meta.room_id, event_id: `~${txn}`, sender: ME,
          type: 'm.room.message', timestamp: Date.now(), content: { msgtype: 'm.text', body: text },
          transaction_id: txn, send_error: 'not sent',
          ...(/\*\*|`/.test(text) ? { local_content: { sanitized_html: markdownish(text) } } : {}),
        };
        reply(echo);
        const fails = text.toLowerCase().includes('fail');
        await sleep(fails ? 700 : 900);
        if (fails) {
          this.broadcast('send_complete', { event: echo, error: 'M_FORBIDDEN (HTTP 403): You are not allowed to send messages in this room' });
          return;
        }
        const sent: Event = { ...echo, event_id: `$${txn}`, send_error: undefined };
        this.broadcast('send_complete', { event: sent, error: null });
        await sleep(300);
        const placed: Event = { ...sent, timeline_rowid: r.nextTimelineRowid++ };
        r.timeline.push(placed);
        r.meta = { ...r.meta, preview_event_rowid: placed.rowid, sorting_timestamp: placed.timestamp };
        this.broadcast('sync_complete', {
          rooms: { [r.meta.room_id]: { meta: r.meta, events: [placed], timeline: [{ timeline_rowid: placed.timeline_rowid, event_rowid: placed.rowid }] } },
        } satisfies SyncComplete);
        return;
      }
      case 'mark_read': {
        const r = this.rooms.get(String(data.room_id));
        if (!r) { fail('room not found'); return; }
        reply(true);
        r.meta = { ...r.meta, unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
        this.broadcast('sync_complete', { rooms: { [r.meta.room_id]: { meta: r.meta } } } satisfies SyncComplete);
        return;
      }
      case 'cancel':
        reply(false);
        return;
      default:
        fail(`unknown command ${env.command}`);
    }
  }

  /** A message from someone else, as a sync would deliver it. */
  receiveMessage(roomId: string, sender: string, body: string): void {
    const r = this.rooms.get(roomId);
    if (!r) return;
    const ev: Event = {
      rowid: rowid(), timeline_rowid: r.nextTimelineRowid++, room_id: roomId, event_id: `$in${rowid()}`, sender,
      type: 'm.room.message', timestamp: Date.now(), content: { msgtype: 'm.text', body },
    };
    r.timeline.push(ev);
    r.meta = { ...r.meta, preview_event_rowid: ev.rowid, sorting_timestamp: ev.timestamp, unread_messages: r.meta.unread_messages + 1 };
    this.broadcast('sync_complete', {
      rooms: { [roomId]: { meta: r.meta, events: [ev], timeline: [{ timeline_rowid: ev.timeline_rowid, event_rowid: ev.rowid }] } },
    } satisfies SyncComplete);
  }
}

function markdownish(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>').replace(/\n/g, '<br>');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- media -------------------------------------------------------------------------------------------------

type RGB = [number, number, number];

/** An RGB PNG, encoded by hand so the preview needs no image library. */
function encodePng(width: number, height: number, pixel: (x: number, y: number) => RGB): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // each row starts with filter type 0
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A head-and-shoulders silhouette: round things stay round only if the avatar is cropped, not stretched. */
function portrait(width: number, height: number, bg: RGB, fg: RGB): Buffer {
  const s = Math.min(width, height);
  return encodePng(width, height, (x, y) => {
    const dx = (x - width / 2) / s;
    const head = dx * dx + ((y - height * 0.4) / s) ** 2 < 0.2 ** 2;
    const body = (dx / 0.38) ** 2 + ((y - height * 1.02) / s / 0.4) ** 2 < 1;
    return head || body ? fg : bg;
  });
}

/** A room icon: a diagonal two-tone field with a white ring, edge to edge so a bad crop shows. */
function roomIcon(size: number, a: RGB, b: RGB): Buffer {
  return encodePng(size, size, (x, y) => {
    const r = Math.hypot(x - size / 2, y - size / 2) / size;
    if (r > 0.2 && r < 0.3) return [255, 255, 255];
    return x + y < size ? a : b;
  });
}

const MEDIA: Record<string, Buffer> = {
  [`${SERVER}/you`]: portrait(128, 128, [46, 125, 50], [200, 230, 201]),
  [`${SERVER}/alice`]: portrait(128, 128, [173, 20, 87], [248, 187, 208]),
  [`${SERVER}/bob`]: portrait(128, 128, [21, 101, 192], [187, 222, 251]),
  // Wider than tall, like an uncropped upload: must be cropped to the circle, not squeezed.
  'example.org/carol-wide': portrait(256, 128, [230, 81, 0], [255, 224, 178]),
  [`${SERVER}/design`]: roomIcon(128, [94, 53, 177], [255, 112, 67]),
  'matrix.org/hq': roomIcon(128, [0, 0, 0], [13, 189, 139]),
};

/** What the real hosts do with `/_gomuks/media/<server>/<mediaId>`, from generated files. */
function serveMedia(res: ServerResponse, pathPart: string, query: URLSearchParams, backend: FakeBackend): void {
  const parsed = parseMediaPath(pathPart, query);
  const headers = { 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'" };
  if ('error' in parsed) { res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end(`Bad media path: ${parsed.error}`); return; }
  backend.mediaRequests.push(parsed);
  const body = MEDIA[`${parsed.server}/${parsed.mediaId}`];
  if (!body) { res.writeHead(404, { ...headers, 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('M_NOT_FOUND'); return; }
  res.writeHead(200, { ...headers, 'content-type': 'image/png', 'cache-control': 'private, max-age=86400' }).end(body);
}

// ---- http + websocket ------------------------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

async function serveStatic(req: IncomingMessage, res: ServerResponse, backend: FakeBackend): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/_gomuks/websocket') {
    res.writeHead(backend.authFail ? 401 : 400, { 'content-type': 'text/plain' }).end(backend.authFail ? 'unauthorized' : 'websocket only');
    return;
  }
  if (url.pathname.startsWith('/_gomuks/media/')) {
    serveMedia(res, url.pathname.slice('/_gomuks/media/'.length), url.searchParams, backend);
    return;
  }
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  const file = join(DIST, rel === '' ? 'index.html' : rel);
  if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found (did you run vite build?)');
  }
}

export async function startPreview(port: number, opts: FakeBackendOptions): Promise<{ url: string; backend: FakeBackend; close(): Promise<void> }> {
  const backend = new FakeBackend(opts);
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => { void serveStatic(req, res, backend); });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/_gomuks/websocket' || backend.authFail) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => backend.attach(ws));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    backend,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ---- screenshots -----------------------------------------------------------------------------------------

async function screenshots(dir: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  await mkdir(dir, { recursive: true });
  const preview = await startPreview(0, { loggedIn: false, authFail: false, paginateDelayMs: 250 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => { if (!ok) problems.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const shot = async (name: string): Promise<void> => {
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path });
      console.log(`saved ${path}`);
    };

    await page.goto(preview.url);
    await page.getByTestId('login-userid').waitFor();
    await shot('01-login');

    await page.getByTestId('login-userid').fill(ME);
    await page.getByTestId('login-password').focus(); // blur → discover_homeserver
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="login-homeserver"]')?.value !== '');
    check(await page.getByTestId('login-homeserver').inputValue() === `https://matrix.${SERVER}`, 'discovery fills the homeserver');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    check(/wrong user id or password/i.test(await page.getByTestId('login-error').innerText()), 'wrong password is said in words');
    await shot('02-login-error');

    await page.getByTestId('login-password').fill(GOOD_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('room-list').waitFor();
    await page.getByTestId('room-item').first().waitFor();
    check(await page.getByTestId('room-item').count() === roomSpecs.length, 'all rooms listed');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.avatar')].every((i) => i.complete));
    check(await avatarLoaded(page, '[data-room-id="!design:lattice.test"]'), 'room avatar shown as an image');
    check(await avatarLoaded(page, '[data-room-id="!dm-alice:lattice.test"]'), 'DM shows the partner\'s avatar');
    check(await avatarLoaded(page, '.sidebar-header'), 'own avatar in the sidebar header');
    check(await page.locator('[data-room-id="!books:example.org"] span.avatar').innerText() === 'BC', 'missing room avatar falls back to initials');
    check(await page.locator('[data-room-id="!hiking:lattice.test"] span.avatar').count() === 1, 'room without avatar keeps initials');
    check(preview.backend.mediaRequests.some((r) => r.mediaId === 'design' && r.thumbnail?.width === 40 && r.thumbnail.height === 40),
      'room list asks for a 40 px thumbnail at 1×');
    await shot('03-room-list');

    await page.locator('[data-testid="room-item"][data-room-id="!design:lattice.test"]').click();
    await page.getByTestId('message').first().waitFor();
    await page.waitForTimeout(400);
    check(await page.getByTestId('room-header').innerText().then((t) => t.includes('Design Team')), 'header shows the room name');
    check(await page.locator('.message-sender', { hasText: 'Alice Chen' }).count() > 0, 'display names from member state');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.avatar')].every((i) => i.complete));
    check(await avatarLoaded(page, '[data-testid="message"]:has(.message-sender:text-is("Alice Chen"))'), 'sender avatar from m.room.member');
    check(await page.locator('[data-testid="message"]:has(.message-sender:text-is("frank")) span.avatar').count() > 0,
      'sender without avatar keeps initials');
    check(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')) === 'composer', 'composer focused on open');
    await page.waitForTimeout(300);
    const badge = await page.locator('[data-room-id="!design:lattice.test"] [data-testid="room-unread"]').count();
    check(badge === 0, 'opening the room clears its unread badge');

    await page.getByTestId('composer').fill('Shipping the **outline** illustrations today');
    await page.getByTestId('composer').press('Enter');
    check(await page.getByTestId('composer').inputValue() === '', 'composer cleared after send');
    await page.locator('[data-testid="message"][data-send-state="pending"]').first().waitFor();
    backendTyping(preview.backend, '!design:lattice.test', [people.alice.id]);
    await shot('04-room-pending');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"][data-send-state="pending"]').length === 0);
    check(await atBottom(page), 'stays at the bottom after sending');

    await page.getByTestId('composer').fill('this one will fail');
    await page.getByTestId('composer').press('Enter');
    await page.getByTestId('send-error').waitFor();
    backendTyping(preview.backend, '!design:lattice.test', []);
    await page.waitForTimeout(200);
    await shot('05-room');

    // History: open the long room, scroll to the top and check the view does not jump when older rows arrive.
    await page.locator('[data-testid="room-item"][data-room-id="!dev:lattice.test"]').click();
    await page.getByTestId('message').first().waitFor();
    await page.waitForTimeout(600);
    const timeline = page.getByTestId('timeline');
    check(await atBottom(page), 'opens scrolled to the bottom');
    for (let i = 0; i < 3; i++) {
      await timeline.evaluate((el) => { el.scrollTop = 0; });
      const beforeTop = await firstVisible(page);
      await page.getByTestId('timeline-loading').waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      await page.waitForFunction(() => !document.querySelector('[data-testid="timeline-loading"]'));
      await page.waitForTimeout(100);
      if (beforeTop) {
        const after = await topOf(page, beforeTop.rowid);
        check(after !== null && Math.abs(beforeTop.top - after) <= 2,
          `anchored while prepending (page ${i + 1}: row ${beforeTop.rowid} at ${beforeTop.top}px → ${after}px)`);
      }
    }
    check(await page.getByTestId('jump-to-latest').isVisible(), 'offers a jump to the latest message when scrolled up');
    await shot('06-history');
    await page.getByTestId('jump-to-latest').click();
    await page.waitForTimeout(800);
    check(await atBottom(page), 'jump to latest scrolls to the bottom');
    preview.backend.receiveMessage('!dev:lattice.test', people.erin.id, 'New message while you are at the bottom');
    await page.waitForTimeout(300);
    check(await atBottom(page), 'stays at the bottom when a message arrives');

    preview.backend.broadcast('sync_status', { type: 'erroring', error: 'homeserver returned 502 Bad Gateway', error_count: 3 } satisfies SyncStatus);
    preview.backend.broadcast('client_state', { ...preview.backend.clientState, secret_storage_warning: 'They are kept in a 0600 file at ~/.local/share/lattice/secrets.json because no keychain was found (--insecure-secrets-file).' } satisfies ClientState);
    await page.getByTestId('sync-status').waitFor();
    await page.locator('[data-testid="room-item"][data-room-id="!design:lattice.test"]').click();
    await page.waitForTimeout(400);
    await shot('07-banners');

    await page.emulateMedia({ colorScheme: 'dark' });
    preview.backend.broadcast('sync_status', { type: 'ok' } satisfies SyncStatus);
    preview.backend.broadcast('client_state', preview.backend.clientState);
    await page.waitForTimeout(300);
    await shot('08-dark-room');

    // A high-density screen asks for sharper thumbnails; the close-up is for judging the circle crop.
    const hidpi = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 2 });
    const before = preview.backend.mediaRequests.length;
    await hidpi.goto(`${preview.url}#/room/${encodeURIComponent('!design:lattice.test')}`);
    await hidpi.getByTestId('message').first().waitFor();
    await hidpi.waitForTimeout(600);
    const later = preview.backend.mediaRequests.slice(before);
    check(later.some((r) => r.mediaId === 'alice' && r.thumbnail?.width === 72), 'timeline asks for 72 px (36 px at 2×)');
    check(later.some((r) => r.mediaId === 'design' && r.thumbnail?.width === 80), 'room list asks for 80 px (40 px at 2×)');
    await hidpi.locator('.sidebar').screenshot({ path: join(dir, '08b-hidpi-sidebar.png') });
    await hidpi.getByTestId('timeline').screenshot({ path: join(dir, '08c-hidpi-timeline.png') });
    console.log(`saved ${join(dir, '08b-hidpi-sidebar.png')}, ${join(dir, '08c-hidpi-timeline.png')}`);
    await hidpi.close();

    const login = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    preview.backend.clientState = { is_initialized: true, is_logged_in: false, is_verified: false, secret_storage_error: 'No OS keychain is available (The name org.freedesktop.secrets was not provided by any .service files). Start a Secret Service such as GNOME Keyring, or run with --insecure-secrets-file.' };
    await login.goto(preview.url);
    await login.getByTestId('login-userid').waitFor();
    await login.screenshot({ path: join(dir, '09-dark-login-storage-error.png') });
    console.log(`saved ${join(dir, '09-dark-login-storage-error.png')}`);

    const auth = await startPreview(0, { loggedIn: true, authFail: true, paginateDelayMs: 0 });
    const p3 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await p3.goto(auth.url);
    await p3.getByTestId('connection-status').waitFor();
    check(/open the login link/.test(await p3.getByTestId('connection-status').innerText()), '401 says how to sign in to the web host');
    await p3.screenshot({ path: join(dir, '10-web-not-authenticated.png') });
    await auth.close();
  } finally {
    await browser.close();
    await preview.close();
  }
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  }
}

function backendTyping(backend: FakeBackend, roomId: string, userIds: string[]): void {
  backend.broadcast('typing', { room_id: roomId, user_ids: userIds });
}


/** The avatar inside `scope` is an image that decoded (not the initials, not a broken image). */
async function avatarLoaded(page: Page, scope: string): Promise<boolean> {
  const img = page.locator(`${scope} img.avatar`).first();
  if (await img.count() === 0) return false;
  return img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);
}

async function atBottom(page: Page): Promise<boolean> {
  return page.getByTestId('timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4);
}

/** The first message row at least partly visible, and its offset from the scroller's top. */
async function firstVisible(page: Page): Promise<{ rowid: string; top: number } | null> {
  return page.getByTestId('timeline').evaluate((el) => {
    const box = el.getBoundingClientRect();
    for (const m of el.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      const r = m.getBoundingClientRect();
      if (r.bottom > box.top + 1) return { rowid: m.dataset.rowid ?? '', top: Math.round(r.top - box.top) };
    }
    return null;
  });
}

async function topOf(page: Page, rowid: string): Promise<number | null> {
  return page.getByTestId('timeline').evaluate((el, id) => {
    const m = el.querySelector<HTMLElement>(`[data-testid="message"][data-rowid="${id}"]`);
    return m ? Math.round(m.getBoundingClientRect().top - el.getBoundingClientRect().top) : null;
  }, rowid);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      'logged-out': { type: 'boolean', default: false },
      'auth-fail': { type: 'boolean', default: false },
      screenshots: { type: 'string' },
    },
  });
  if (values.screenshots) {
    await screenshots(values.screenshots);
    return;
  }
  const preview = await startPreview(Number(values.port), {
    loggedIn: !values['logged-out'], authFail: values['auth-fail'], paginateDelayMs: 300,
  });
  console.log(`Lattice renderer preview on ${preview.url} (fake backend; password for --logged-out: ${GOOD_PASSWORD})`);
}

if (import.meta.main) await main();
