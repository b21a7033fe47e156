/**
 * The backend against a real Synapse, running in a worker thread as it does in the app, with its token in a real
 * Secret Service (the suite runs under scripts/with-keyring.sh): requests it refuses, signing in (and the words for a
 * failed sign-in), and a signed-in session's sync, sending, history, room state, media, read markers, restart and
 * logout. The homeserver failing, limiting or ending the session: backend-homeserver-failures.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Event } from '../../src/shared/rpc/index.ts';
import { createAppRequestHandler } from '../../src/main/desktop/app-protocol.ts';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { hasMessage, startGeneralRoom } from '../harness/general-room.ts';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import type { RpcTestClient } from '../harness/rpc-test-client.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { startWorkerBackend, TempRoots, type WorkerBackend } from '../harness/worker-backend.ts';

const roots = new TempRoots('it');
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Every event of a room that sync_complete diffs delivered so far, by event ID. */
function syncedEvents(c: RpcTestClient, roomId: string): Map<string, Event> {
  const out = new Map<string, Event>();
  for (const d of c.events('sync_complete')) for (const e of d.rooms?.[roomId]?.events ?? []) out.set(e.event_id, e);
  return out;
}


describe('backend against Synapse', () => {
  let hs: SynapseServer;
  let aliceUser: TestUser;
  let alice: MatrixPeer; // Alice's other device, acting through the homeserver API
  let bob: MatrixPeer;
  let general: string;

  before(async () => {
    ({ hs, aliceUser, alice, bob, general } = await startGeneralRoom());
  });
  after(async () => {
    await hs?.stop();
    roots.removeAll();
  });

  it('answers malformed requests with errors and keeps serving', async () => {
    const b = await startWorkerBackend(roots.make());
    try {
      const c = b.client;
      const unknown = await c.raw({ command: 'no_such_thing', request_id: 1 }, 1);
      assert.equal(unknown?.command, 'error');
      assert.match(String(unknown?.data), /unknown command "no_such_thing"/);
      const missing = await c.raw({ command: 'paginate', request_id: 2, data: {} }, 2);
      assert.equal(missing?.command, 'error');
      assert.match(String(missing?.data), /room_id/);
      const wrongType = await c.raw({ command: 'login', request_id: 3, data: { homeserver_url: 5, username: 'a', password: 'b' } }, 3);
      assert.match(String(wrongType?.data), /homeserver_url/);
      const badEnvelope = await c.raw({ command: 42, request_id: 4 }, 4);
      assert.equal(badEnvelope?.command, 'error');
      assert.match(String(badEnvelope?.data), /malformed envelope.*command/);
      const notJsonish = await c.raw({ command: 'paginate', request_id: 5, data: 'room' }, 5);
      assert.equal(notJsonish?.command, 'error');
      // No request_id: never answered, and nothing breaks.
      const before = c.received.length;
      await c.raw('garbage');
      await c.raw(null);
      await c.raw({ command: 'get_state' });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(c.received.length, before);
      const state = await c.request('get_state', {});
      assert.equal(state.is_logged_in, false);
    } finally {
      await b.stop();
    }
  });

  it('explains a wrong password and an unreachable homeserver in words', async () => {
    const b = await startWorkerBackend(roots.make());
    try {
      await assert.rejects(b.client.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'wrong' }),
        /Wrong user name or password/);
      const closedPort = await freePort();
      await assert.rejects(b.client.request('login', { homeserver_url: `http://127.0.0.1:${closedPort}`, username: 'alice', password: 'x' }),
        /Could not reach the homeserver.*refused/);
      assert.equal((await b.client.request('get_state', {})).is_logged_in, false);
    } finally {
      await b.stop();
    }
  });

  it('discovers the homeserver from a user ID and lists login flows', async () => {
    const b = await startWorkerBackend(roots.make());
    try {
      const wk = await b.client.request('discover_homeserver', { user_id: aliceUser.userId });
      const base = wk['m.homeserver'].base_url;
      assert.match(base, /^http:\/\/(localhost|127\.0\.0\.1):\d+$/);
      assert.equal(new URL(base).port, new URL(hs.baseUrl).port);
      const flows = await b.client.request('get_login_flows', { homeserver_url: hs.baseUrl });
      assert.ok(flows.flows.some((f) => f.type === 'm.login.password'));
    } finally {
      await b.stop();
    }
  });

  it('logs in with a custom login request (login_custom)', async () => {
    const b = await startWorkerBackend(roots.make());
    try {
      await assert.rejects(b.client.request('login_custom', { homeserver_url: hs.baseUrl, request: { type: 'm.login.nonsense' } }),
        /homeserver refused the login|Unknown login type|M_UNKNOWN/i);
      const ok = await b.client.request('login_custom', { homeserver_url: hs.baseUrl, request: {
        type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'bob-password',
      } });
      assert.equal(ok, true);
      const st = await b.client.waitForEvent('client_state', (s) => s.is_logged_in);
      assert.equal(st.user_id, bob.userId);
      await assert.rejects(b.client.request('login', { homeserver_url: hs.baseUrl, username: 'bob', password: 'bob-password' }),
        /Already logged in/);
      assert.equal(await b.client.request('logout', {}), true);
    } finally {
      await b.stop();
    }
  });

  it('asks to sign in again when the keychain lost the token, and the new session starts from a clean database', async () => {
    const root = roots.make();
    let b = await startWorkerBackend(root);
    await b.client.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
    await b.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[general]);
    await b.stop();
    // The keyring was reset behind Lattice's back.
    const dataDir = path.join(root, 'data');
    const store = await openSecretStore({ namespace: secretNamespace(dataDir), dataDir });
    await store.delete('matrix_access_token');
    b = await startWorkerBackend(root);
    try {
      assert.equal((await b.client.waitForEvent('client_state')).is_logged_in, false);
      const room = await bob.createRoom({ name: 'Only Bob' });
      await b.client.request('login', { homeserver_url: hs.baseUrl, username: 'bob', password: 'bob-password' });
      const d = await b.client.waitForEvent('sync_complete', (x) => !!x.rooms?.[room], 30_000);
      assert.ok(d);
      const st = await b.client.request('get_state', {});
      assert.equal(st.user_id, bob.userId);
    } finally {
      await b.stop();
    }
  });

  describe('a logged-in session', () => {
    const root = roots.make();
    let b: WorkerBackend;
    let deviceId: string;

    before(async () => {
      b = await startWorkerBackend(root);
      assert.equal(await b.client.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' }), true);
      await b.client.waitForEvent('init_complete', () => true, 30_000, false);
      const st = await b.client.request('get_state', {});
      deviceId = st.device_id!;
    });
    after(async () => { await b?.stop(); });

    it('syncs rooms and messages into the database and reports them', async () => {
      const st = await b.client.request('get_state', {});
      assert.equal(st.is_logged_in, true);
      assert.equal(st.user_id, aliceUser.userId);
      const d = await b.client.waitForEvent('sync_complete', (x) => !!x.rooms?.[general]?.meta);
      assert.equal(d.rooms![general].meta!.name, 'General');
      assert.ok(syncedEvents(b.client, general).has((await bob.messages(general, { limit: 1 })).chunk[0].event_id));
      // Live: a message Bob sends now arrives in a later diff.
      await bob.sendText(general, 'live from bob');
      const live = await b.client.waitForEvent('sync_complete', hasMessage(general, 'live from bob'));
      const ev = live.rooms![general].events!.find((e) => e.content.body === 'live from bob')!;
      assert.ok(live.rooms![general].timeline!.some((t) => t.event_rowid === ev.rowid));
      assert.equal(live.rooms![general].meta!.preview_event_rowid, ev.rowid);
      assert.equal(ev.sender, bob.userId);
    });

    it('sends with a local echo, then send_complete, and the other user receives it', async () => {
      const echo = await b.client.request('send_message', { room_id: general, text: 'hello **bob**' });
      assert.equal(echo.send_error, 'not sent');
      assert.match(echo.event_id, /^~/);
      assert.equal(echo.timeline_rowid, 0);
      assert.equal(echo.content.formatted_body, 'hello <strong>bob</strong>');
      const done = await b.client.waitForEvent('send_complete', (c) => c.event.rowid === echo.rowid);
      assert.equal(done.error, null);
      assert.match(done.event.event_id, /^\$/);
      const got = await bob.waitForMessage(general, (e) => e.event_id === done.event.event_id);
      assert.equal(got.content.body, 'hello **bob**');
      // The remote echo lands on the same row and is placed in the timeline.
      const synced = await b.client.waitForEvent('sync_complete',
        (x) => !!x.rooms?.[general]?.timeline?.some((t) => t.event_rowid === echo.rowid));
      assert.ok(synced);
      // send_event with synchronous returns the final event.
      const direct = await b.client.request('send_event', { room_id: general, type: 'm.room.message',
        content: { msgtype: 'm.notice', body: 'notice' }, synchronous: true });
      assert.match(direct.event_id, /^\$/);
      await assert.rejects(b.client.request('send_message', { room_id: '!nope:localhost', text: 'x' }), /Unknown room/);
    });

    it('paginates 200 older messages in order, without duplicates or gaps', async () => {
      const room = await bob.createRoom({ name: 'History', invite: [aliceUser.userId] });
      await alice.join(room);
      for (let i = 0; i < 200; i++) await bob.sendText(room, `m${i}`);
      await b.client.waitForEvent('sync_complete', hasMessage(room, 'm199'), 60_000);
      const bodies: string[] = [];
      let lowest: number | undefined;
      let fromServer = false;
      for (let guard = 0; guard < 50; guard++) {
        const page = await b.client.request('paginate', { room_id: room, max_timeline_id: lowest, limit: 30 });
        for (let i = 1; i < page.events.length; i++) assert.ok(page.events[i].timeline_rowid < page.events[i - 1].timeline_rowid, 'newest first');
        for (const e of page.events) if (e.type === 'm.room.message') bodies.unshift(e.content.body as string);
        if (page.events.length) lowest = page.events[page.events.length - 1].timeline_rowid;
        fromServer ||= page.from_server;
        if (!page.has_more) break;
      }
      assert.ok(fromServer, 'older history came from the server');
      assert.deepEqual(bodies, Array.from({ length: 200 }, (_, i) => `m${i}`));
      // A second pass is served from the database alone.
      const again = await b.client.request('paginate', { room_id: room, limit: 1000 });
      assert.equal(again.from_server, false);
      assert.equal(again.events.filter((e) => e.type === 'm.room.message').length, 200);
    });

    it('returns room state with members for display names', async () => {
      const state = await b.client.request('get_room_state', { room_id: general, fetch_members: true, include_members: true });
      const bobMember = state.find((e) => e.type === 'm.room.member' && e.state_key === bob.userId);
      assert.equal(bobMember?.content.displayname, 'Bob');
      assert.ok(state.some((e) => e.type === 'm.room.name' && e.content.name === 'General'));
    });

    it('serves room avatars through the backend, never handing out the token', async () => {
      const png = solidPng(64, 64, [200, 40, 90]);
      const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=avatar.png`, {
        method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' }, body: new Uint8Array(png),
      }).then((r) => r.json()) as { content_uri: string };
      await bob.setState(general, 'm.room.avatar', '', { url: upload.content_uri });
      const d = await b.client.waitForEvent('sync_complete', (x) => x.rooms?.[general]?.meta?.avatar === upload.content_uri);
      assert.equal(d.rooms![general].meta!.explicit_avatar, true);
      const [server, mediaId] = upload.content_uri.slice('mxc://'.length).split('/');
      const full = await b.worker.fetchMedia({ server, mediaId });
      assert.equal(full.status, 200);
      assert.equal(full.contentType, 'image/png');
      assert.deepEqual(Buffer.from(full.body), png);
      const thumb = await b.worker.fetchMedia({ server, mediaId, thumbnail: { width: 32, height: 32 } });
      assert.equal(thumb.status, 200);
      assert.match(thumb.contentType, /^image\//);
      const missing = await b.worker.fetchMedia({ server, mediaId: 'doesNotExist' });
      assert.equal(missing.status, 404);

      // The desktop window's lattice://media/ (src/main/desktop/app-protocol.ts) on this backend: the page gets the
      // bytes, and nothing it receives carries the account's token; traversal and foreign hosts never reach it.
      const token = await openSecretStore({ namespace: secretNamespace(path.join(root, 'data')), dataDir: path.join(root, 'data') })
        .then((st) => st.get('matrix_access_token'));
      assert.ok(token && token.length > 10, 'the backend holds a token');
      const asked: unknown[] = [];
      const app = createAppRequestHandler(path.join(root, 'no-renderer'), undefined, () => ({
        fetchMedia: (req) => { asked.push(req); return b.worker.fetchMedia(req); },
      }));
      const fetchApp = async (url: string) => {
        const res = await app(new Request(url));
        const body = Buffer.from(await res.arrayBuffer());
        const seen = `${JSON.stringify([...res.headers])}${body.toString('latin1')}`;
        assert.ok(!seen.includes(token), `${url}: the token reached the page`);
        return { res, body };
      };
      const viaApp = await fetchApp(`lattice://media/${server}/${mediaId}`);
      assert.equal(viaApp.res.status, 200);
      assert.deepEqual(viaApp.body, png);
      assert.match(viaApp.res.headers.get('content-security-policy') ?? '', /sandbox/);
      assert.equal((await fetchApp(`lattice://media/${server}/${mediaId}?w=32&h=32`)).res.status, 200);
      for (const url of [
        `lattice://media/${server}/..%2F..%2F..%2Fclient%2Fv3%2Faccount%2Fwhoami`,
        `lattice://media/..%2F${server}/${mediaId}`,
        `lattice://media/${server}/%2e%2e`,
        `lattice://elsewhere/${server}/${mediaId}`,
        `lattice://media:8448/${server}/${mediaId}`,
      ]) {
        const { res } = await fetchApp(url);
        assert.ok(res.status === 400 || res.status === 404, `${url} is refused (${res.status})`);
      }
      assert.equal(asked.length, 2, 'only the two good requests reached the backend');
    });

    it('marks a room read and clears its unread count', async () => {
      const before = b.client.mark();
      await bob.sendText(general, 'unread one');
      const d = await b.client.waitForEvent('sync_complete', (x) => (x.rooms?.[general]?.meta?.unread_notifications ?? 0) > 0
        && !!x.rooms?.[general]?.events?.some((e) => e.content.body === 'unread one'), 30_000, before);
      const last = d.rooms![general].events!.find((e) => e.content.body === 'unread one')!;
      const mark = b.client.mark();
      assert.equal(await b.client.request('mark_read', { room_id: general, event_id: last.event_id, receipt_type: 'm.read' }), true);
      await b.client.waitForEvent('sync_complete', (x) => x.rooms?.[general]?.meta?.unread_notifications === 0, 10_000, mark);
      // The server moved Alice's fully-read marker too.
      const marker = await alice.request('GET',
        `/_matrix/client/v3/user/${encodeURIComponent(aliceUser.userId)}/rooms/${encodeURIComponent(general)}/account_data/m.fully_read`);
      assert.equal(marker.event_id, last.event_id);
    });

    it('keeps the access token out of SQLite, and resumes after a restart without logging in', async () => {
      await b.stop();
      for (const f of ['lattice.db', 'lattice.db-wal']) {
        let bytes = '';
        try { bytes = readFileSync(path.join(root, 'data', f), 'latin1'); } catch { continue; }
        assert.ok(!/syt_[A-Za-z0-9_]+/.test(bytes), `${f} must not contain an access token`);
      }
      b = await startWorkerBackend(root);
      const st = await b.client.waitForEvent('client_state');
      assert.equal(st.is_logged_in, true);
      assert.equal(st.device_id, deviceId);
      const first = await b.client.waitForEvent('sync_complete');
      assert.equal(first.clear_state, true);
      assert.equal(first.rooms![general].meta!.name, 'General', 'room list comes from the database at once');
      await b.client.waitForEvent('init_complete');
      await bob.sendText(general, 'after restart');
      await b.client.waitForEvent('sync_complete', hasMessage(general, 'after restart'));
    });

    it('logs out: the device is gone on the server and local data is deleted', async () => {
      const mark = b.client.mark();
      assert.equal(await b.client.request('logout', {}), true);
      const st = await b.client.waitForEvent('client_state', (s) => !s.is_logged_in, 10_000, mark);
      assert.equal(st.user_id, undefined);
      const devices = (await alice.request('GET', '/_matrix/client/v3/devices')).devices as { device_id: string }[];
      assert.ok(!devices.some((d) => d.device_id === deviceId));
      await b.stop();
      b = await startWorkerBackend(root);
      assert.equal((await b.client.waitForEvent('client_state')).is_logged_in, false);
      const first = await b.client.waitForEvent('sync_complete');
      assert.deepEqual(Object.keys(first.rooms ?? {}), []);
    });
  });
});
