/**
 * A child process for the crypto store tests (run with Node 24):
 *   traffic <dataDir> <firstRoom>  — key traffic until killed: one-time key generation and upload bookkeeping,
 *                                    then a new outbound group session per room and one encrypted message; each
 *                                    message is printed as a JSON line only after the engine has returned, i.e.
 *                                    after its keys were committed ("acknowledged").
 *   verify <dataDir> <ackFile>     — opens the store, decrypts every acknowledged message, prints one JSON summary.
 * The store key lives in the data folder's 0600 secrets file (the file secret store), as with --insecure-secrets-file.
 */
import fs from 'node:fs';
import { DeviceLists, EncryptionSettings, KeysUploadRequest, RoomId, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import { openCryptoStore } from '../../src/main/backend/crypto/crypto-store.ts';
import { FileStore } from '../../src/main/backend/secrets/file-store.ts';
import { DEVICE_ID, USER_ID, decryptOwn } from './crypto-own-messages.ts';
import type { Ack } from './crypto-own-messages.ts';

/** Answers the engine's key upload requests as a homeserver would, so it keeps generating one-time keys. */
async function settleKeyUploads(machine: OlmMachine): Promise<number> {
  let uploaded = 0;
  for (const request of await machine.outgoingRequests()) {
    if (!(request instanceof KeysUploadRequest)) continue;
    const body = JSON.parse(request.body) as { one_time_keys?: Record<string, unknown> };
    uploaded += Object.keys(body.one_time_keys ?? {}).length;
    await machine.markRequestAsSent(request.id, request.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: 0 } }));
  }
  return uploaded;
}

async function traffic(dataDir: string, firstRoom: number): Promise<void> {
  const store = await openCryptoStore({ dataDir, secrets: new FileStore(dataDir), userId: USER_ID, deviceId: DEVICE_ID });
  const machine = store.machine;
  process.stdout.write(`${JSON.stringify({ open: machine.identityKeys.ed25519.toBase64() })}\n`);
  for (let i = firstRoom; ; i++) {
    await machine.receiveSyncChanges('[]', new DeviceLists(), new Map([['signed_curve25519', 0]]), new Set());
    await settleKeyUploads(machine);
    const room = `!room${i}:lattice.test`;
    // The engine takes ownership of the UserId passed in the array: a new one per call.
    await machine.shareRoomKey(new RoomId(room), [new UserId(USER_ID)], new EncryptionSettings());
    const body = `message ${i}`;
    const ciphertext = await machine.encryptRoomEvent(new RoomId(room), 'm.room.message', JSON.stringify({ msgtype: 'm.text', body }));
    const ack: Ack = { room, body, ciphertext };
    process.stdout.write(`${JSON.stringify(ack)}\n`);
  }
}

async function verify(dataDir: string, ackFile: string): Promise<void> {
  const store = await openCryptoStore({ dataDir, secrets: new FileStore(dataDir), userId: USER_ID, deviceId: DEVICE_ID });
  const acks = fs.readFileSync(ackFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Ack);
  const failed: string[] = [];
  for (const ack of acks) {
    try {
      if ((await decryptOwn(store.machine, ack)) !== ack.body) failed.push(`${ack.body}: wrong plaintext`);
    } catch (e) {
      failed.push(`${ack.body}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const ed25519 = store.machine.identityKeys.ed25519.toBase64();
  store.close();
  process.stdout.write(`${JSON.stringify({ ed25519, checked: acks.length, failed })}\n`);
}

const [mode, dataDir, arg] = process.argv.slice(2);
if (mode === 'traffic') await traffic(dataDir, Number(arg));
else if (mode === 'verify') await verify(dataDir, arg);
else if (mode !== undefined) throw new Error(`unknown mode ${mode}`);
