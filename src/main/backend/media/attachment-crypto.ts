/**
 * Where end-to-end encryption plugs into media: encrypted attachments (the spec's "Sending encrypted attachments":
 * AES-CTR with a fresh key, the key and hashes in an EncryptedFile object sent inside the encrypted event). The
 * encryption branch provides an implementation; until then the backend has none, and encrypted uploads and
 * downloads are refused in words rather than sent in the clear.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';

/** The spec's EncryptedFile, without `url` (known only after the upload). */
export type EncryptedFileInfo = JSONObject & { v: string; key: JSONObject; iv: string; hashes: Record<string, string> };

export interface AttachmentCrypto {
  encrypt(plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; file: EncryptedFileInfo }>;
  /** Throws if the hash does not match: a tampered file must not be shown. */
  decrypt(ciphertext: Uint8Array, file: EncryptedFileInfo): Promise<Uint8Array>;
}

export const NO_ATTACHMENT_CRYPTO = 'Encrypted attachments need end-to-end encryption, which this version of Lattice does not have yet.';
