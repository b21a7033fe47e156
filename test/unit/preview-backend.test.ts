/**
 * The preview backend behind the UI screenshots speaks the real contract: its handlers run through the real
 * Dispatcher (so bad input gets the real validation errors) and the renderer's RpcClient talks to it, in process
 * and over the websocket, as the page does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GOOD_PASSWORD, ME, roomSpecs } from '../harness/preview/fake-data.ts';
import { PreviewBackend } from '../harness/preview/preview-backend.ts';
import { startPreview, type Preview } from '../harness/preview/preview-server.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';

const DESIGN = '!design:lattice.test';
const DEV = '!dev:lattice.test';

describe('preview backend, in process', () => {
  it('validates input with the contract and explains a wrong password in words', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: false, paginateDelayMs: 0 }));
    try {
      const state = await c.waitForEvent('client_state');
      assert.equal(state.is_logged_in, false);
      const missing = await c.raw({ command: 'paginate', request_id: 900, data: {} }, 900);
      assert.equal(missing?.command, 'error');
      assert.match(String(missing?.data), /invalid data for paginate: room_id/);
      await assert.rejects(c.request('login', { homeserver_url: 'https://matrix.lattice.test', username: ME, password: 'wrong' }),
        /Wrong user name or password/);
      assert.equal(c.events('sync_complete').length, 0, 'nothing synced before login');
    } finally {
      c.close();
    }
  });

  it('signs in, then sends the room list after its answer', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: false, paginateDelayMs: 0 }));
    try {
      assert.equal(await c.request('login', { homeserver_url: 'https://matrix.lattice.test', username: ME, password: GOOD_PASSWORD }), true);
      const sync = await c.waitForEvent('sync_complete', (s) => s.clear_state === true, 5000);
      assert.equal(Object.keys(sync.rooms ?? {}).length, roomSpecs.length + 1, "every room and the space");
      const answer = c.received.findIndex((e) => e.command === 'response');
      const signedIn = c.received.findIndex((e) => e.command === 'client_state' && (e.data as { is_logged_in: boolean }).is_logged_in);
      assert.ok(answer >= 0 && answer < signedIn, 'the login answer comes before the new client_state');
    } finally {
      c.close();
    }
  });

  it('pages through history newest first until the start of the room', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: true, paginateDelayMs: 0 }));
    try {
      const sync = await c.waitForEvent('sync_complete');
      let lowest = Math.min(...(sync.rooms?.[DEV]?.timeline ?? []).map((t) => t.timeline_rowid));
      let pages = 0;
      for (;;) {
        const page = await c.request('paginate', { room_id: DEV, max_timeline_id: lowest, limit: 50 });
        const rowids = page.events.map((e) => e.timeline_rowid);
        assert.deepEqual(rowids, [...rowids].sort((a, b) => b - a), 'newest first');
        assert.ok(rowids.every((r) => r < lowest));
        pages += 1;
        if (!page.has_more) break;
        lowest = rowids[rowids.length - 1];
      }
      assert.equal(pages, 3);
      await assert.rejects(c.request('paginate', { room_id: '!nope:lattice.test' }), /room not found/);
    } finally {
      c.close();
    }
  });

  it('answers a send with the local echo, then completes it', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: true, paginateDelayMs: 0 }));
    try {
      const echo = await c.request('send_message', { room_id: DESIGN, text: 'hello **there**' });
      assert.equal(echo.send_error, 'not sent');
      assert.equal(echo.local_content?.sanitized_html, 'hello <strong>there</strong>');
      const done = await c.waitForEvent('send_complete', (d) => d.event.rowid === echo.rowid, 5000);
      assert.equal(done.error, null);
      const placed = await c.waitForEvent('sync_complete', (d) => !!d.rooms?.[DESIGN]?.events?.some((e) => e.rowid === echo.rowid), 5000);
      assert.ok(placed.rooms?.[DESIGN]?.timeline?.length);
    } finally {
      c.close();
    }
  });

  it('answers the pack reads of Settings → Emoji & stickers and the composer: the design room\'s two packs', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: true, paginateDelayMs: 0 }));
    try {
      const packs = await c.request('get_state_of_types', { types: ['m.room.image_pack', 'im.ponies.room_emotes'] });
      assert.deepEqual(packs.map((e) => [e.room_id, e.state_key]), [[DESIGN, ''], [DESIGN, 'stickers']]);
      assert.deepEqual(await c.request('get_state_of_types', { types: ['im.ponies.room_emotes'], room_ids: [DEV] }), []);
      const one = await c.request('get_specific_room_state', { keys: [{ room_id: DESIGN, type: 'im.ponies.room_emotes', state_key: 'stickers' }] });
      assert.deepEqual(one.map((e) => e.content.pack), [{ usage: ['sticker'] }]);
    } finally {
      c.close();
    }
  });

  it('answers the Mentions dialog with the made-up messages that name you, newest first', async () => {
    const c = RpcTestClient.inProcess(new PreviewBackend({ loggedIn: true, paginateDelayMs: 0 }));
    try {
      const found = await c.request('get_mentions', { max_timestamp: Number.MAX_SAFE_INTEGER, type: 4, limit: 30 });
      assert.ok(found.length > 0, 'some message mentions you');
      for (const e of found) assert.match(JSON.stringify(e.content), /@you|You Yourself|@room/i);
      assert.deepEqual(found.map((e) => e.timestamp), found.map((e) => e.timestamp).toSorted((a, b) => b - a));
      const older = await c.request('get_mentions', { max_timestamp: found[0].timestamp - 1, type: 4, limit: 30 });
      assert.ok(!older.some((e) => e.event_id === found[0].event_id), 'at or before max_timestamp only');
    } finally {
      c.close();
    }
  });
});

describe('preview server, over the renderer websocket transport', () => {
  let preview: Preview;
  before(async () => { preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0 }); });
  after(async () => { await preview.close(); });

  it('serves the contract on /_gomuks/websocket', async () => {
    const c = await RpcTestClient.overWebSocket(preview.wsUrl);
    try {
      const state = await c.request('get_state', {});
      assert.equal(state.user_id, ME);
      await c.waitForEvent('init_complete', undefined, 5000);
      assert.equal(await c.request('mark_read', { room_id: DESIGN, event_id: '$x', receipt_type: 'm.read' }), true);
      const cleared = await c.waitForEvent('sync_complete', (d) => d.rooms?.[DESIGN]?.meta?.unread_messages === 0, 5000);
      assert.equal(cleared.rooms?.[DESIGN]?.meta?.unread_notifications, 0);
    } finally {
      c.close();
    }
  });

  it('refuses the websocket when told to act like an unauthenticated web host', async () => {
    const refusing = await startPreview(0, { loggedIn: true, authFail: true, paginateDelayMs: 0 });
    try {
      await assert.rejects(RpcTestClient.overWebSocket(refusing.wsUrl, {}, 3000), /unauthenticated.*login link/);
    } finally {
      await refusing.close();
    }
  });
});
