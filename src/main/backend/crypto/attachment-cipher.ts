/**
 * Encrypted attachments as the spec's "Sending encrypted attachments" defines them (version 2): AES-256-CTR with a
 * fresh random key per file, a 128-bit counter block whose upper 64 bits are random and lower 64 bits start at
 * zero, the key as a JSON Web Key, and the SHA-256 of the ciphertext, checked before anything is decrypted so a
 * tampered or truncated file is refused rather than shown. Node's own AES does the work.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { AttachmentCrypto, EncryptedFileInfo } from '../media/attachment-crypto.ts';

const unpadded = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

export class AesCtrAttachments implements AttachmentCrypto {
  encrypt(plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; file: EncryptedFileInfo }> {
    const key = randomBytes(32);
    const iv = Buffer.alloc(16);
    randomBytes(8).copy(iv, 0);
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const file: EncryptedFileInfo = {
      v: 'v2',
      key: { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: key.toString('base64url'), ext: true },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(createHash('sha256').update(ciphertext).digest()) },
    };
    return Promise.resolve({ ciphertext, file });
  }

  decrypt(ciphertext: Uint8Array, file: EncryptedFileInfo): Promise<Uint8Array> {
    try {
      const { key, iv, sha256 } = parseFileInfo(file);
      const actual = createHash('sha256').update(ciphertext).digest();
      if (actual.length !== sha256.length || !timingSafeEqual(actual, sha256)) {
        throw new Error('The file does not match the hash its message gives: it was changed or cut short, so it is not shown.');
      }
      const decipher = createDecipheriv('aes-256-ctr', key, iv);
      return Promise.resolve(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** The key, IV and hash of an EncryptedFile, or an error in words saying what is wrong with it. */
function parseFileInfo(file: EncryptedFileInfo): { key: Buffer; iv: Buffer; sha256: Buffer } {
  // v1 (older clients) differs only in how the IV was chosen; decrypting is the same.
  if (file.v !== 'v2' && file.v !== 'v1') throw new Error(`This encrypted file uses version ${String(file.v)}, which Lattice cannot decrypt.`);
  const jwk = file.key as JSONObject | undefined;
  if (!jwk || jwk.kty !== 'oct' || jwk.alg !== 'A256CTR' || typeof jwk.k !== 'string') {
    throw new Error('The encrypted file\'s key is not an AES-256-CTR key.');
  }
  const key = Buffer.from(jwk.k, 'base64url');
  const iv = typeof file.iv === 'string' ? Buffer.from(file.iv, 'base64') : Buffer.alloc(0);
  const hash = file.hashes?.sha256;
  const sha256 = typeof hash === 'string' ? Buffer.from(hash, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error('The encrypted file\'s key is not 256 bits long.');
  if (iv.length !== 16) throw new Error('The encrypted file\'s IV is not 16 bytes long.');
  if (sha256.length !== 32) throw new Error('The encrypted file has no SHA-256 hash to check it against.');
  return { key, iv, sha256 };
}
