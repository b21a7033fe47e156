/**
 * The sync loop's prepare step (CryptoSession.prepareSync: feed the encryption engine, decrypt, watch verifications)
 * reads the server's JSON before processSync does, and a throw there fails the response just the same: the loop
 * fetches it again and fails on it forever. With the real engine (matrix-sdk-crypto-wasm) and its store on disk, and
 * a homeserver that refuses connections (the engine's key uploads fail in the background, as offline), responses
 * whose device lists, state or to-device events hold the wrong types must be prepared, not thrown on.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CryptoSession } from '../../src/main/backend/crypto/crypto-session.ts';
import { silentLogger } from '../../src/main/backend/log/logger.ts';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { MemorySecrets } from '../harness/memory-secrets.ts';
import { seeded } from './sync-malformed-fixture.ts';

const ME = '@me:hs';

/** A response with something of each kind the prepare step reads: to-device events, device lists, rooms' state. */
function response(): Record<string, unknown> {
  return {
    next_batch: 'n',
    to_device: { events: [
      { type: 'm.key.verification.request', sender: '@bob:hs', content: { from_device: 'BOB', methods: ['m.sas.v1'], timestamp: Date.now(), transaction_id: 't1' } },
      { type: 'm.key.verification.cancel', sender: '@bob:hs', content: { transaction_id: 't1', code: 'm.user', reason: 'no' } },
      { type: 'm.room_key_request', sender: '@bob:hs', content: { action: 'request', requesting_device_id: 'BOB', request_id: 'r',
        body: { algorithm: 'm.megolm.v1.aes-sha2', room_id: '!r:hs', session_id: 's', sender_key: 'k' } } },
    ] },
    device_lists: { changed: ['@bob:hs', ME], left: ['@carol:hs'] },
    device_one_time_keys_count: { signed_curve25519: 50 },
    device_unused_fallback_key_types: ['signed_curve25519'],
    rooms: { join: { '!r:hs': {
      state: { events: [{ event_id: '$s', type: 'm.room.encryption', sender: '@bob:hs', origin_server_ts: 1, state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }] },
      timeline: { events: [
        { event_id: '$m', type: 'm.room.member', sender: '@dan:hs', origin_server_ts: 2, state_key: '@dan:hs', content: { membership: 'join' } },
        { event_id: '$c', type: 'm.room.encrypted', sender: '@bob:hs', origin_server_ts: 3,
          content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA', session_id: 'S', sender_key: 'K', device_id: 'D' } },
      ] },
    } } },
  };
}

const BROKEN: readonly unknown[] = [null, 5, 'x', [], {}, [null], [1, 'a'], { a: 1 }, true, 'not a user'];

test('the prepare step of an encrypted sync takes wrongly typed device lists, state and to-device events without throwing', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-crypto-malformed-'));
  const store = Store.open(path.join(dir, 'lattice.db'));
  const crypto = new CryptoSession({
    dataDir: dir, secrets: new MemorySecrets(), userId: ME, deviceId: 'DEVICE', client: new MatrixClient('http://127.0.0.1:9', 'token'),
    store: () => store, logger: silentLogger,
  });
  t.after(async () => {
    await crypto.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The shapes that threw: a list of changed users that is no list, state events that are no list, a to-device
  // verification event from a sender that is no user ID.
  const cases: [string, (r: Record<string, unknown>) => void][] = [
    ['device_lists.changed a number', (r) => { (r.device_lists as Record<string, unknown>).changed = 5; }],
    ['a room\'s state events a string', (r) => { ((r.rooms as { join: Record<string, Record<string, unknown>> }).join['!r:hs'].state as Record<string, unknown>).events = 'no'; }],
    ['a verification event from "x"', (r) => { ((r.to_device as { events: Record<string, unknown>[] }).events[1]).sender = 'x'; }],
  ];
  for (const [what, breakIt] of cases) {
    const resp = response();
    breakIt(resp);
    await assert.doesNotReject(crypto.prepareSync(resp as unknown as SyncResponse), what);
  }

  // Then each top-level part and each to-device event's fields replaced at random.
  const rnd = seeded(7);
  const pick = () => structuredClone(BROKEN[Math.floor(rnd() * BROKEN.length)]);
  for (let round = 0; round < 60; round++) {
    const resp = response();
    for (const key of Object.keys(resp)) if (rnd() < 0.3) resp[key] = pick();
    for (const ev of ((resp.to_device as { events?: unknown } | null)?.events as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof ev !== 'object' || ev === null) continue;
      for (const key of ['type', 'sender', 'content']) if (rnd() < 0.3) ev[key] = pick();
    }
    await assert.doesNotReject(crypto.prepareSync(resp as unknown as SyncResponse), `round ${round}`);
  }
});
