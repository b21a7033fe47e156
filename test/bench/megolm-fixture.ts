/**
 * Synthetic megolm sessions for benchmarks: room keys in the key-export format, and events encrypted with them
 * (megolm v1 at message index 0, built with node:crypto as libolm/vodozemac do), so the engine can be filled with
 * tens of thousands of sessions in seconds and made to decrypt with any of them.
 */
import crypto from 'node:crypto';

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export interface SyntheticSession {
  roomId: string;
  sessionId: string;
  ratchet: Buffer;
  signing: crypto.KeyObject;
}

export interface SessionSet {
  senderKey: string;
  deviceEd25519: string;
  sessions: SyntheticSession[];
}

export function makeSessions(count: number, rooms: number): SessionSet {
  const device = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const sessions: SyntheticSession[] = [];
  for (let i = 0; i < count; i++) {
    const pair = crypto.generateKeyPairSync('ed25519');
    const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    sessions.push({ roomId: `!room${i % rooms}:lattice.test`, sessionId: b64(publicKey), ratchet: crypto.randomBytes(128), signing: pair.privateKey });
  }
  return { senderKey: b64(crypto.randomBytes(32)), deviceEd25519: b64(device), sessions };
}

/** The sessions as a key export (the JSON array inside an exported key file). */
export function exportSessions(set: SessionSet, from = 0, to = set.sessions.length): object[] {
  return set.sessions.slice(from, to).map((s) => ({
    algorithm: 'm.megolm.v1.aes-sha2',
    room_id: s.roomId,
    sender_key: set.senderKey,
    session_id: s.sessionId,
    // version 1, message index 0, the ratchet, the session's signing key
    session_key: b64(Buffer.concat([Buffer.of(1, 0, 0, 0, 0), s.ratchet, Buffer.from(s.sessionId, 'base64')])),
    sender_claimed_keys: { ed25519: set.deviceEd25519 },
    forwarding_curve25519_key_chain: [],
  }));
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** An m.room.encrypted event a megolm session encrypted at index 0. */
export function encryptEvent(set: SessionSet, session: SyntheticSession, body: string, eventId: string): object {
  const plaintext = JSON.stringify({ type: 'm.room.message', content: { msgtype: 'm.text', body }, room_id: session.roomId });
  const keys = Buffer.from(crypto.hkdfSync('sha256', session.ratchet, Buffer.alloc(0), 'MEGOLM_KEYS', 80));
  const cipher = crypto.createCipheriv('aes-256-cbc', keys.subarray(0, 32), keys.subarray(64, 80));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const message = Buffer.concat([Buffer.of(3), Buffer.of(0x08), varint(0), Buffer.of(0x12), varint(ciphertext.length), ciphertext]);
  const mac = crypto.createHmac('sha256', keys.subarray(32, 64)).update(message).digest().subarray(0, 8);
  const signature = crypto.sign(null, Buffer.concat([message, mac]), session.signing);
  return {
    type: 'm.room.encrypted',
    event_id: eventId,
    sender: '@sender:lattice.test',
    origin_server_ts: 1,
    room_id: session.roomId,
    content: {
      algorithm: 'm.megolm.v1.aes-sha2',
      sender_key: set.senderKey,
      session_id: session.sessionId,
      device_id: 'SENDERDEV',
      ciphertext: b64(Buffer.concat([message, mac, signature])),
    },
  };
}
