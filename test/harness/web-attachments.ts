/**
 * Encrypted attachments as another client makes and reads them: the spec's AES-CTR v2 format through WebCrypto,
 * sharing no code with Lattice's backend, so tests can check Lattice's files against an independent implementation.
 */
import { createHash } from 'node:crypto';
import type { EncryptedFileInfo } from '../../src/main/backend/media/attachment-crypto.ts';

const unpadded = (b: Uint8Array): string => Buffer.from(b).toString('base64').replace(/=+$/, '');

export async function webDecrypt(ciphertext: Uint8Array, file: EncryptedFileInfo): Promise<Buffer> {
  const sha = createHash('sha256').update(ciphertext).digest('base64').replace(/=+$/, '');
  if (sha !== file.hashes.sha256) throw new Error('the ciphertext does not match its hash');
  const key = await crypto.subtle.importKey('jwk', file.key as JsonWebKey, { name: 'AES-CTR' }, false, ['decrypt']);
  const iv = new Uint8Array(Buffer.from(file.iv, 'base64'));
  return Buffer.from(await crypto.subtle.decrypt({ name: 'AES-CTR', counter: iv, length: 64 }, key, new Uint8Array(ciphertext)));
}

export async function webEncrypt(plaintext: Uint8Array): Promise<{ ciphertext: Buffer; file: EncryptedFileInfo }> {
  const key = await crypto.subtle.generateKey({ name: 'AES-CTR', length: 256 }, true, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(16);
  crypto.getRandomValues(iv.subarray(0, 8));
  const ciphertext = Buffer.from(await crypto.subtle.encrypt({ name: 'AES-CTR', counter: iv, length: 64 }, key, new Uint8Array(plaintext)));
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return {
    ciphertext,
    file: {
      v: 'v2', key: { kty: 'oct', alg: 'A256CTR', k: jwk.k!, key_ops: ['encrypt', 'decrypt'], ext: true },
      iv: unpadded(iv), hashes: { sha256: createHash('sha256').update(ciphertext).digest('base64').replace(/=+$/, '') },
    },
  };
}
