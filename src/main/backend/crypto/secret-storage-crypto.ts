/**
 * The cryptography of Secret Storage (the spec's "Storage" of secrets, algorithm m.secret_storage.v1.aes-hmac-sha2):
 * recovery keys in their base58 form, keys derived from a passphrase, the key check stored beside a key's
 * description, and each secret encrypted with AES-CTR + HMAC-SHA256 under keys derived per secret name with HKDF.
 * Pure functions over node:crypto; nothing here keeps or logs a key.
 */
import crypto from 'node:crypto';
import bs58 from 'bs58';

export const SSSS_ALGORITHM = 'm.secret_storage.v1.aes-hmac-sha2';
const RECOVERY_KEY_PREFIX = [0x8b, 0x01];
const KEY_BYTES = 32;
/** What Element and gomuks use for a new passphrase; old accounts may have fewer, which is accepted on reading. */
export const DEFAULT_PBKDF2_ITERATIONS = 500_000;

export class SecretStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStorageError';
  }
}

/** One secret encrypted for one key: what `encrypted[keyId]` of a secret's account data holds. */
export interface EncryptedSecret {
  iv: string;
  ciphertext: string;
  mac: string;
}

/** The `passphrase` of a key description (gomuks' passphrase_meta). */
export interface PassphraseInfo {
  algorithm: 'm.pbkdf2';
  salt: string;
  iterations: number;
  bits?: number;
}

/** `m.secret_storage.key.<id>` account data. */
export interface KeyDescription {
  algorithm: string;
  name?: string;
  passphrase?: PassphraseInfo;
  iv?: string;
  mac?: string;
}

/** The recovery key a person writes down: base58 of prefix, key and parity, in groups of four. */
export function encodeRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_BYTES) throw new SecretStorageError(`A recovery key holds ${KEY_BYTES} bytes, not ${key.length}.`);
  const buf = new Uint8Array(RECOVERY_KEY_PREFIX.length + KEY_BYTES + 1);
  buf.set(RECOVERY_KEY_PREFIX, 0);
  buf.set(key, RECOVERY_KEY_PREFIX.length);
  buf[buf.length - 1] = buf.subarray(0, buf.length - 1).reduce((p, b) => p ^ b, 0);
  const text = bs58.encode(buf);
  buf.fill(0);
  return text.match(/.{1,4}/g)!.join(' ');
}

/** The key inside a recovery key, or null when the text is not one (wrong alphabet, prefix, length or parity). */
export function decodeRecoveryKey(text: string): Uint8Array | null {
  let raw: Uint8Array;
  try {
    raw = bs58.decode(text.replace(/\s+/g, ''));
  } catch {
    return null;
  }
  if (raw.length !== RECOVERY_KEY_PREFIX.length + KEY_BYTES + 1) return null;
  if (raw[0] !== RECOVERY_KEY_PREFIX[0] || raw[1] !== RECOVERY_KEY_PREFIX[1]) return null;
  if (raw.reduce((p, b) => p ^ b, 0) !== 0) return null;
  return raw.slice(RECOVERY_KEY_PREFIX.length, RECOVERY_KEY_PREFIX.length + KEY_BYTES);
}

/** The key a passphrase stands for (PBKDF2-SHA512 with the description's salt and iterations). */
export function keyFromPassphrase(passphrase: string, info: PassphraseInfo): Promise<Uint8Array> {
  if (info.algorithm !== 'm.pbkdf2') throw new SecretStorageError(`Unknown passphrase algorithm ${String(info.algorithm)}.`);
  const bits = info.bits ?? 256;
  if (!Number.isInteger(info.iterations) || info.iterations < 1 || bits % 8 !== 0 || bits < 8) {
    throw new SecretStorageError('The passphrase settings of this key are damaged.');
  }
  return new Promise((resolve, reject) => {
    crypto.pbkdf2(passphrase, info.salt, info.iterations, bits / 8, 'sha512', (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key));
    });
  });
}

/** A fresh passphrase description (random salt, as Element makes them). */
export function newPassphraseInfo(iterations = DEFAULT_PBKDF2_ITERATIONS): PassphraseInfo {
  return { algorithm: 'm.pbkdf2', salt: crypto.randomBytes(24).toString('base64url'), iterations, bits: 256 };
}

/** Encrypts a secret (its text, usually unpadded base64 of a private key) under `name` with the storage key. */
export function encryptSecret(key: Uint8Array, name: string, secret: Uint8Array | string, iv?: Uint8Array): EncryptedSecret {
  const { aesKey, hmacKey } = deriveKeys(key, name);
  const ivBytes = iv ? Buffer.from(iv) : crypto.randomBytes(16);
  // The spec clears bit 63 so that the counter cannot overflow in implementations that use a 64-bit counter.
  ivBytes[8] &= 0x7f;
  const cipher = crypto.createCipheriv('aes-256-ctr', aesKey, ivBytes);
  const data = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  data.fill(0);
  const mac = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest();
  aesKey.fill(0);
  hmacKey.fill(0);
  return { iv: ivBytes.toString('base64'), ciphertext: ciphertext.toString('base64'), mac: mac.toString('base64') };
}

/** Decrypts a secret; a wrong key or damaged data fails the MAC check with an error in words. */
export function decryptSecret(key: Uint8Array, name: string, enc: EncryptedSecret): Buffer {
  const { aesKey, hmacKey } = deriveKeys(key, name);
  try {
    const ciphertext = Buffer.from(enc.ciphertext, 'base64');
    const mac = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest();
    const given = Buffer.from(enc.mac, 'base64');
    if (given.length !== mac.length || !crypto.timingSafeEqual(given, mac)) {
      throw new SecretStorageError(`The secret ${name || '(key check)'} does not match this key (the MAC differs): the key is wrong or the data is damaged.`);
    }
    const decipher = crypto.createDecipheriv('aes-256-ctr', aesKey, Buffer.from(enc.iv, 'base64'));
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } finally {
    aesKey.fill(0);
    hmacKey.fill(0);
  }
}

/** The `iv` and `mac` stored in a key's description so that a key can be checked before it is used. */
export function keyCheck(key: Uint8Array, iv?: Uint8Array): { iv: string; mac: string } {
  const { iv: ivText, mac } = encryptSecret(key, '', new Uint8Array(32), iv);
  return { iv: ivText, mac };
}

/**
 * Whether `key` is the key of this description. A description without a check cannot be verified (old clients
 * wrote none), so it answers undefined and the caller tries the key on the secrets themselves.
 */
export function checkKey(key: Uint8Array, desc: KeyDescription): boolean | undefined {
  if (desc.algorithm !== SSSS_ALGORITHM) throw new SecretStorageError(`This secret storage key uses ${desc.algorithm}, which Lattice does not know.`);
  if (!desc.iv || !desc.mac) return undefined;
  const { mac } = keyCheck(key, Buffer.from(desc.iv, 'base64'));
  // Clients differ in padding the base64 of the MAC; compare without it.
  return mac.replace(/=+$/, '') === desc.mac.replace(/=+$/, '');
}

function deriveKeys(key: Uint8Array, name: string): { aesKey: Buffer; hmacKey: Buffer } {
  const okm = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(32), Buffer.from(name, 'utf8'), 64));
  return { aesKey: okm.subarray(0, 32), hmacKey: okm.subarray(32, 64) };
}
