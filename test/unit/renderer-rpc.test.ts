import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { getBridge } from '../../src/renderer/api/bridge.ts';
import { IpcTransport } from '../../src/renderer/api/ipc-transport.ts';
import { RpcClient, RpcError } from '../../src/renderer/api/rpc-client.ts';
import { Session } from '../../src/renderer/api/session.ts';
import { RequestIds } from '../../src/renderer/api/transport.ts';
import {
  NOT_AUTHENTICATED_MESSAGE, TOKEN_STORAGE_KEY, WebSocketTransport, websocketUrls, type WebSocketLike,
} from '../../src/renderer/api/websocket-transport.ts';
import { imageAuthToken } from '../../src/renderer/api/media-auth.ts';
import { avatarImageUrl } from '../../src/renderer/ui/common/avatar-url.ts';
import type { Envelope } from '../../src/shared/rpc/envelope.ts';

function fakeBridge() {
  const sent: Envelope[] = [];
  let listener: ((env: Envelope) => void) | null = null;
  return {
    sent,
    push: (env: Envelope) => listener?.(env),
    bridge: {
      send: (env: Envelope) => { sent.push(env); },
      onMessage: (l: (env: Envelope) => void) => { listener = l; return () => { listener = null; }; },
    },
  };
}

class FakeSocket implements WebSocketLike {
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  sent: string[] = [];
  closed = false;
  readonly url: string;
  constructor(url: string) { this.url = url; }
  send(data: string): void { this.sent.push(data); }
  close(): void { this.closed = true; }
}

describe('bridge detection', () => {
  it('accepts only an object with send and onMessage', () => {
    assert.equal(getBridge({}), undefined);
    assert.equal(getBridge({ lattice: { send() {} } }), undefined);
    const { bridge } = fakeBridge();
    assert.equal(getBridge({ lattice: bridge }), bridge);
  });

  it('refuses a bridge whose optional parts are there but not functions', () => {
    const { bridge } = fakeBridge();
    const picker = { onScreenPick: () => () => {}, chooseScreen: () => {} };
    assert.ok(getBridge({ lattice: { ...bridge, ...picker } }));
    for (const name of ['onNavigate', 'setViewedRoom', 'onScreenPick', 'chooseScreen']) {
      assert.equal(getBridge({ lattice: { ...bridge, ...picker, [name]: 'yes' } }), undefined, name);
    }
  });
});

describe('RpcClient', () => {
  it('resolves responses, rejects errors with the backend message, dispatches events', async () => {
    const fb = fakeBridge();
    const client = new RpcClient(new IpcTransport(fb.bridge));
    client.start();
    const states: unknown[] = [];
    client.on('client_state', (s) => states.push(s));

    const p1 = client.request('get_state', {});
    const p2 = client.request('login', { homeserver_url: 'https://x', username: 'a', password: 'b' });
    assert.deepEqual(fb.sent.map((e) => [e.command, e.request_id]), [['get_state', 1], ['login', 2]]);
    fb.push({ command: 'client_state', request_id: -1, data: { is_logged_in: false } });
    fb.push({ command: 'error', request_id: 2, data: 'M_FORBIDDEN: Invalid username or password' });
    fb.push({ command: 'response', request_id: 1, data: { is_logged_in: true } });
    assert.deepEqual(await p1, { is_logged_in: true });
    await assert.rejects(p2, (err: unknown) => err instanceof RpcError && err.message === 'M_FORBIDDEN: Invalid username or password');
    assert.deepEqual(states, [{ is_logged_in: false }]);
  });

  it('cancel rejects locally and asks the backend', async () => {
    const fb = fakeBridge();
    const client = new RpcClient(new IpcTransport(fb.bridge));
    client.start();
    const { requestId, promise } = client.startRequest('paginate', { room_id: '!a:x' });
    client.cancel(requestId, 'user left');
    await assert.rejects(promise, /cancelled/);
    assert.deepEqual(fb.sent[1], { command: 'cancel', request_id: 2, data: { request_id: requestId, reason: 'user left' } });
    fb.push({ command: 'error', request_id: requestId, data: 'context canceled' }); // ignored
  });

  it('rejects pending requests when the connection drops', async () => {
    const sockets: FakeSocket[] = [];
    const ids = new RequestIds();
    const transport = new WebSocketTransport({
      url: 'ws://h/_gomuks/websocket', probeUrl: 'http://h/_gomuks/websocket', ids,
      createSocket: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
      probe: async () => 200, minBackoffMs: 60_000,
    });
    const client = new RpcClient(transport, ids);
    client.start();
    sockets[0].onopen?.({});
    const p = client.request('get_state', {});
    sockets[0].onclose?.({ code: 1006, reason: '' });
    await assert.rejects(p, /Connection to the Lattice backend lost/);
    assert.equal(transport.status.state, 'closed');
    transport.close();
  });
});

describe('WebSocketTransport', () => {
  it('derives same-origin URLs', () => {
    assert.deepEqual(websocketUrls({ protocol: 'https:', host: 'chat.example:8443' }), {
      url: 'wss://chat.example:8443/_gomuks/websocket', probeUrl: 'https://chat.example:8443/_gomuks/websocket',
    });
    assert.equal(websocketUrls({ protocol: 'http:', host: 'localhost:29325' }).url, 'ws://localhost:29325/_gomuks/websocket');
  });

  it('pings every interval with the last event id, swallows pongs, and resumes with run_id', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    try {
      const sockets: FakeSocket[] = [];
      const ids = new RequestIds();
      const t = new WebSocketTransport({
        url: 'ws://h/_gomuks/websocket', probeUrl: 'http://h/_gomuks/websocket', ids,
        createSocket: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
        probe: async () => 200,
      });
      const got: string[] = [];
      t.onMessage((e) => got.push(e.command));
      t.start();
      sockets[0].onopen?.({});
      sockets[0].onmessage?.({ data: JSON.stringify({ command: 'run_id', request_id: -1, data: { run_id: 'r1', etag: '' } }) });
      sockets[0].onmessage?.({ data: JSON.stringify({ command: 'init_complete', request_id: -2, data: {} }) });
      mock.timers.tick(15_000);
      assert.deepEqual(JSON.parse(sockets[0].sent[0]), { command: 'ping', request_id: 1, data: { last_received_id: -2 } });
      sockets[0].onmessage?.({ data: JSON.stringify({ command: 'pong', request_id: 1 }) });
      assert.deepEqual(got, ['run_id', 'init_complete']);

      sockets[0].onclose?.({ code: 1006, reason: '' });
      assert.equal(t.status.state, 'closed');
      mock.timers.tick(500);
      assert.equal(sockets.length, 2);
      assert.equal(sockets[1].url, 'ws://h/_gomuks/websocket?run_id=r1&last_received_event=-2');
      t.close();
    } finally {
      mock.timers.reset();
    }
  });

  it('reconnects when the backend goes silent', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    try {
      const sockets: FakeSocket[] = [];
      const t = new WebSocketTransport({
        url: 'ws://h/ws', probeUrl: 'http://h/ws', ids: new RequestIds(),
        createSocket: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
        probe: async () => 200,
      });
      t.start();
      sockets[0].onopen?.({});
      mock.timers.tick(75_000);
      mock.timers.tick(1_000);
      assert.equal(sockets[0].closed, true);
      assert.ok(sockets.length >= 2, 'a new socket was opened');
      t.close();
    } finally {
      mock.timers.reset();
    }
  });

  it('reports "not authenticated" when the upgrade fails with 401', async () => {
    const sockets: FakeSocket[] = [];
    const t = new WebSocketTransport({
      url: 'ws://h/ws', probeUrl: 'http://h/ws', ids: new RequestIds(),
      createSocket: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; },
      probe: async () => 401,
    });
    const statuses: string[] = [];
    t.onStatus((s) => statuses.push(s.state));
    t.start();
    sockets[0].onclose?.({ code: 1006, reason: '' });
    await new Promise((r) => setImmediate(r));
    assert.equal(t.status.state, 'unauthenticated');
    assert.equal(t.status.state === 'unauthenticated' && t.status.message, NOT_AUTHENTICATED_MESSAGE);
    t.close();
  });
});

describe('WebSocketTransport web-host sign-in', () => {
  function memoryStorage() {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); }, removeItem: (k: string) => { m.delete(k); }, m };
  }

  it('redeems a login key once, keeps the token in storage and offers it as a subprotocol on every connect', async () => {
    const storage = memoryStorage();
    const opened: { url: string; protocols?: string[] }[] = [];
    const redeemed: string[] = [];
    const t = new WebSocketTransport({
      url: 'ws://h/ws', probeUrl: 'http://h/ws', ids: new RequestIds(), storage,
      takeLoginKey: () => 'K'.repeat(43),
      redeemLoginKey: async (key) => { redeemed.push(key); return { token: 'sid.secret' }; },
      createSocket: (url, protocols) => { opened.push({ url, protocols }); return new FakeSocket(url); },
      probe: async () => 200,
    });
    t.start();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(redeemed, ['K'.repeat(43)]);
    assert.equal(storage.m.get(TOKEN_STORAGE_KEY), 'sid.secret');
    assert.deepEqual(opened[0].protocols, ['lattice', 'lattice.token.sid.secret']);
    t.close();
  });

  it('says why a used login link failed; takes image tokens for media URLs without passing them on', async () => {
    const sockets: FakeSocket[] = [];
    const t = new WebSocketTransport({
      url: 'ws://h/ws', probeUrl: 'http://h/ws', ids: new RequestIds(), storage: memoryStorage(),
      takeLoginKey: () => 'used-key-used-key-used',
      redeemLoginKey: async () => ({ error: 'This login link was already used or has expired.' }),
      createSocket: (u, protocols) => { assert.equal(protocols, undefined); const s = new FakeSocket(u); sockets.push(s); return s; },
      probe: async () => 401,
    });
    t.start();
    await new Promise((r) => setImmediate(r));
    sockets[0].onclose?.({ code: 1006, reason: '' });
    await new Promise((r) => setImmediate(r));
    assert.equal(t.status.state === 'unauthenticated' && t.status.message, 'This login link was already used or has expired.');
    t.close();

    const ok = new WebSocketTransport({
      url: 'ws://h/ws', probeUrl: 'http://h/ws', ids: new RequestIds(), storage: null, takeLoginKey: () => null,
      createSocket: (u) => { const s = new FakeSocket(u); sockets.push(s); return s; }, probe: async () => 200,
    });
    const got: string[] = [];
    ok.onMessage((e) => got.push(e.command));
    ok.start();
    sockets.at(-1)?.onopen?.({});
    sockets.at(-1)?.onmessage?.({ data: JSON.stringify({ command: 'image_auth_token', request_id: 0, data: 'img.tok' }) });
    assert.deepEqual(got, []);
    assert.equal(imageAuthToken(), 'img.tok');
    assert.equal(avatarImageUrl('mxc://hs.example/abc', 32), '/_gomuks/media/hs.example/abc?w=32&h=32&image_auth=img.tok');
    ok.close();
  });
});

describe('Session', () => {
  it('feeds backend events into the store and paginates from the lowest timeline row', async () => {
    const fb = fakeBridge();
    const session = new Session(new IpcTransport(fb.bridge));
    session.start();
    fb.push({ command: 'client_state', request_id: -1, data: { is_initialized: true, is_logged_in: true, is_verified: true } });
    fb.push({
      command: 'sync_complete', request_id: -2, data: {
        clear_state: true,
        rooms: {
          '!a:x': {
            meta: {
              room_id: '!a:x', name_quality: 3, explicit_avatar: false, has_member_list: true, preview_event_rowid: 5,
              sorting_timestamp: 1, unread_highlights: 0, unread_notifications: 0, unread_messages: 1,
            },
            events: [{ rowid: 5, timeline_rowid: 12, room_id: '!a:x', event_id: '$5', sender: '@b:x', type: 'm.room.message', timestamp: 1, content: { body: 'hi' } }],
            timeline: [{ timeline_rowid: 12, event_rowid: 5 }],
          },
        },
      },
    });
    const snap = session.store.getSnapshot();
    assert.equal(snap.clientState?.is_logged_in, true);
    assert.equal(snap.rooms.size, 1);

    const h = session.loadHistory('!a:x', 20);
    assert.equal(session.loadHistory('!a:x', 20), h, 'one page at a time');
    const req = fb.sent.at(-1)!;
    assert.deepEqual(req.data, { room_id: '!a:x', limit: 20, max_timeline_id: 12 });
    fb.push({ command: 'response', request_id: req.request_id, data: { events: [], receipts: {}, related_events: [], has_more: false, from_server: true } });
    await h;
    assert.equal(session.store.getSnapshot().rooms.get('!a:x')!.history.hasMore, false);

    const m = session.markRead('!a:x');
    const mr = fb.sent.at(-1)!;
    assert.deepEqual(mr, { command: 'mark_read', request_id: mr.request_id, data: { room_id: '!a:x', event_id: '$5', receipt_type: 'm.read' } });
    fb.push({ command: 'response', request_id: mr.request_id, data: true });
    await m;
    assert.equal(session.store.getSnapshot().rooms.get('!a:x')!.meta!.unread_messages, 0);
    const before = fb.sent.length;
    await session.markRead('!a:x');
    assert.equal(fb.sent.length, before, 'no second receipt for the same event');
    session.stop();
  });
});
