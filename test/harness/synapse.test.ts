import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSynapse, type SynapseServer } from './synapse.ts';
import { MatrixApiError, MatrixPeer } from './matrix-peer.ts';

describe('real Synapse harness', () => {
  let server: SynapseServer;

  before(async () => {
    server = await startSynapse();
  });
  after(async () => {
    const dataDir = server?.dataDir;
    await server?.stop();
    if (dataDir && !process.env.LATTICE_KEEP_SYNAPSE_DATA) assert.equal(existsSync(dataDir), false);
  });

  test('starts settled: no background database updates left, so none runs under a test', async () => {
    // The user directory's rebuild among them emptied the directory for a moment some ten seconds after start-up.
    const db = new Database(join(server.dataDir, 'homeserver.db'), { readonly: true, fileMustExist: true, timeout: 5_000 });
    try {
      assert.deepEqual(db.prepare('SELECT update_name FROM background_updates').all(), []);
    } finally {
      db.close();
    }
  });

  test('two users exchange a message through a real homeserver', async () => {
    const alice = await server.registerUser('alice', 'alice-password', { displayname: 'Alice A.' });
    const bob = await server.registerUser('bob', 'bob-password');
    assert.equal(alice.userId, `@alice:${server.serverName}`);
    assert.ok(alice.accessToken && alice.deviceId);

    const a = new MatrixPeer(server.baseUrl, alice);
    const b = new MatrixPeer(server.baseUrl, bob);

    const profile = await b.request('GET', `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}`);
    assert.equal(profile.displayname, 'Alice A.');

    const roomId = await a.createRoom({ name: 'Harness room' });
    await a.invite(roomId, bob.userId);
    assert.equal(await b.join(roomId), roomId);

    const body = `hello from alice ${Date.now()}`;
    const eventId = await a.sendText(roomId, body);
    const seen = await b.waitForMessage(
      roomId,
      (ev) => ev.type === 'm.room.message' && ev.content.body === body,
    );
    assert.equal(seen.event_id, eventId);
    assert.equal(seen.sender, alice.userId);

    // A message sent after waiting starts must be picked up by the long-poll.
    const later = `later ${Date.now()}`;
    const waiting = b.waitForMessage(roomId, (ev) => ev.content?.body === later);
    await new Promise((r) => setTimeout(r, 300));
    const laterId = await a.sendText(roomId, later);
    assert.equal((await waiting).event_id, laterId);

    const { chunk } = await b.messages(roomId, { limit: 5 });
    assert.ok(chunk.some((ev) => ev.event_id === laterId));

    await assert.rejects(a.join('#no-such-alias:' + server.serverName), (err: unknown) => {
      assert.ok(err instanceof MatrixApiError);
      assert.equal(err.errcode, 'M_NOT_FOUND');
      return true;
    });
  });

  // On the same server as the test above (a second Synapse cost this file about 4 s): Carol alone is held to
  // Synapse's per-user override of rc_message, one message a second with a burst of 2, as `rcLimits: true` would
  // hold everyone.
  test('sending fast provokes HTTP 429 with retry_after_ms', async () => {
    const carol = await server.registerUser('carol', 'carol-password');
    const c = new MatrixPeer(server.baseUrl, carol);
    await server.limitMessages(carol.userId, 1, 2);
    const roomId = await c.createRoom();

    let limited: MatrixApiError | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      try {
        await c.sendText(roomId, `burst ${i}`);
      } catch (err) {
        if (err instanceof MatrixApiError && err.status === 429) limited = err;
        else throw err;
      }
    }
    assert.ok(limited, 'expected a 429 within 30 sends');
    assert.equal(limited.errcode, 'M_LIMIT_EXCEEDED');
    assert.equal(typeof limited.retryAfterMs, 'number');
    assert.ok(limited.retryAfterMs! > 0);

    await server.disableRateLimits(carol.userId);
    for (let i = 0; i < 10; i++) await c.sendText(roomId, `unlimited ${i}`);
  });
});
