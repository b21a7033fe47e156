/**
 * The two steps of an encrypted /sync and a crash between them: the engine is fed and the events decrypted, the
 * transaction fails (as a crash would leave it), the engine is reopened from its store and the same response is
 * processed again. The events are stored once, with the same cleartext, and an event without its key is stored
 * with the error in words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EncryptionSettings, RoomId, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import { openCryptoStore } from '../../src/main/backend/crypto/crypto-store.ts';
import { decryptSync, feedSync, QUIET_FEED_INTERVAL_MS } from '../../src/main/backend/crypto/sync-crypto.ts';
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { processSync } from '../../src/main/backend/sync/process-sync.ts';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import { DEVICE_ID, USER_ID } from '../harness/crypto-own-messages.ts';
import { MemorySecrets } from '../harness/memory-secrets.ts';

const ROOM = '!crash:lattice.test';

function syncWith(events: { event_id: string; content: JSONObject }[]): SyncResponse {
  return {
    next_batch: 's2',
    to_device: { events: [] },
    device_lists: { changed: [], left: [] },
    device_one_time_keys_count: { signed_curve25519: 50 },
    device_unused_fallback_key_types: ['signed_curve25519'],
    rooms: { join: { [ROOM]: { timeline: { events: events.map((e, i) => ({
      event_id: e.event_id, type: 'm.room.encrypted', sender: USER_ID, origin_server_ts: 1000 + i, content: e.content,
    })) } } } },
  };
}

test('a crash between feeding the engine and the transaction neither loses nor changes a decryption', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-crypto-sync-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const secrets = new MemorySecrets();
  const options = { dataDir: dir, secrets, userId: USER_ID, deviceId: DEVICE_ID };

  let crypto = await openCryptoStore(options);
  await crypto.machine.shareRoomKey(new RoomId(ROOM), [new UserId(USER_ID)], new EncryptionSettings());
  const sealed = JSON.parse(await crypto.machine.encryptRoomEvent(new RoomId(ROOM), 'm.room.message',
    JSON.stringify({ msgtype: 'm.text', body: 'survives the crash' }))) as JSONObject;
  // The same sender key and algorithm, but a session this device never had.
  const unknown = { ...sealed, session_id: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
  const resp = syncWith([{ event_id: '$known', content: sealed }, { event_id: '$unknown', content: unknown }]);

  const store = Store.open(path.join(dir, 'lattice.db'));
  t.after(() => store.close());

  // Step one, then a transaction that dies before it commits.
  await feedSync(crypto.machine, resp);
  const first = await decryptSync(crypto.machine, resp);
  assert.throws(() => store.transaction(() => {
    processSync(store, resp, USER_ID, 's1', {}, first);
    throw new Error('crash');
  }), /crash/);
  assert.equal(store.events.getByEventID('$known'), undefined, 'the failed transaction stored nothing');

  // After the restart the engine's store has already seen the response; it is fed and decrypted again.
  crypto.close();
  crypto = await openCryptoStore(options);
  t.after(() => crypto.close());
  await feedSync(crypto.machine, resp);
  const second = await decryptSync(crypto.machine, resp);
  assert.deepEqual(second, first, 'decrypting again gives the same result');
  store.transaction(() => processSync(store, resp, USER_ID, 's1', {}, second));

  const known = store.events.getByEventID('$known');
  assert.equal(known?.type, 'm.room.encrypted');
  assert.equal(known.decrypted_type, 'm.room.message');
  assert.deepEqual(known.decrypted, { msgtype: 'm.text', body: 'survives the crash' });
  assert.equal(known.content.ciphertext, sealed.ciphertext, 'the ciphertext stays the content');
  assert.equal(known.decryption_error, undefined);
  const missing = store.events.getByEventID('$unknown');
  assert.equal(missing?.decrypted, undefined);
  assert.match(missing?.decryption_error ?? '', /key to decrypt this message has not arrived/);
  const count = store.events.database.prepare('SELECT count(*) FROM event').pluck().get();
  assert.equal(count, 2, 'each event stored once');
});

test('a response with nothing new for the engine is not fed to it again within a short while', async () => {
  const fed: string[] = [];
  // Only what feedSync calls; the response decides what it passes.
  const machine = {
    receiveSyncChanges: (toDevice: string) => { fed.push(toDevice); return Promise.resolve([]); },
  } as unknown as Parameters<typeof feedSync>[0];
  const quiet = (otks: number): SyncResponse => ({
    next_batch: 's', device_one_time_keys_count: { signed_curve25519: otks }, device_unused_fallback_key_types: ['signed_curve25519'],
  });
  assert.ok(await feedSync(machine, quiet(50), 1000));
  assert.equal(await feedSync(machine, quiet(50), 2000), undefined);
  assert.equal(fed.length, 1, 'the same counts again, a second later: not fed');
  await feedSync(machine, quiet(49), 3000);
  assert.equal(fed.length, 2, 'a changed one-time-key count is fed');
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [] }, 3500);
  assert.equal(fed.length, 3, 'a used-up fallback key is fed');
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [], to_device: { events: [{ type: 'm.dummy', sender: USER_ID, content: {} }] } }, 4000);
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [], device_lists: { changed: [USER_ID] } }, 4100);
  assert.equal(fed.length, 5, 'to-device events and device list changes are always fed');
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [] }, 4200);
  assert.equal(fed.length, 6, 'after a response with news, the next quiet one is fed once more');
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [] }, 4300);
  assert.equal(fed.length, 6);
  await feedSync(machine, { ...quiet(49), device_unused_fallback_key_types: [] }, 4200 + QUIET_FEED_INTERVAL_MS);
  assert.equal(fed.length, 7, 'and again once the interval has passed');
});
