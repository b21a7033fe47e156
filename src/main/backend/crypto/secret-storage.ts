/**
 * Secret Storage on the account: the key descriptions (`m.secret_storage.key.<id>`), the default key
 * (`m.secret_storage.default_key`) and the secrets themselves (`m.cross_signing.*`, `m.megolm_backup.v1`), all
 * account data read fresh from the homeserver (another device may have just changed them). The cryptography is
 * in secret-storage-crypto.ts; the keys handled here are never stored or logged by Lattice.
 */
import crypto from 'node:crypto';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { MatrixError } from '../matrix/errors.ts';
import type { MatrixClient } from '../matrix/client.ts';
import {
  checkKey, decodeRecoveryKey, decryptSecret, encryptSecret, keyCheck, keyFromPassphrase, SecretStorageError, SSSS_ALGORITHM,
  type EncryptedSecret, type KeyDescription, type PassphraseInfo,
} from './secret-storage-crypto.ts';

export const DEFAULT_KEY_TYPE = 'm.secret_storage.default_key';
export const KEY_TYPE_PREFIX = 'm.secret_storage.key.';
export const CROSS_SIGNING_SECRETS = ['m.cross_signing.master', 'm.cross_signing.self_signing', 'm.cross_signing.user_signing'] as const;
export const BACKUP_SECRET = 'm.megolm_backup.v1';

/** A storage key that has been checked against (or will be tried on) its description. */
export interface StorageKey {
  id: string;
  key: Uint8Array;
}

export class SecretStorage {
  private readonly client: MatrixClient;
  private readonly userId: string;

  constructor(client: MatrixClient, userId: string) {
    this.client = client;
    this.userId = userId;
  }

  /** Account data of this type, or null when the account has none. */
  async accountData(type: string): Promise<Record<string, unknown> | null> {
    try {
      return await this.client.account.getAccountData(this.userId, type);
    } catch (e) {
      if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null;
      throw e;
    }
  }

  async defaultKeyId(): Promise<string | null> {
    const content = await this.accountData(DEFAULT_KEY_TYPE);
    return typeof content?.key === 'string' && content.key !== '' ? content.key : null;
  }

  async keyDescription(id: string): Promise<KeyDescription | null> {
    const content = await this.accountData(KEY_TYPE_PREFIX + id);
    if (!content || typeof content.algorithm !== 'string') return null;
    return content as unknown as KeyDescription;
  }

  /** The encrypted forms of a secret, by key ID (empty when the secret is not stored). */
  async encryptedSecret(name: string): Promise<Record<string, EncryptedSecret>> {
    const content = await this.accountData(name);
    const enc = content?.encrypted;
    if (typeof enc !== 'object' || enc === null) return {};
    const out: Record<string, EncryptedSecret> = {};
    for (const [id, v] of Object.entries(enc as Record<string, unknown>)) {
      const e = v as Partial<EncryptedSecret> | null;
      if (e && typeof e.iv === 'string' && typeof e.ciphertext === 'string' && typeof e.mac === 'string') {
        out[id] = { iv: e.iv, ciphertext: e.ciphertext, mac: e.mac };
      }
    }
    return out;
  }

  /**
   * The storage key that the recovery key or passphrase `code` opens. As gomuks does: the keys that can open every
   * cross-signing secret are tried, the default first; each is tried as a recovery key, then as a passphrase.
   * (The backup key is optional here: an account may have cross-signing without a backup.)
   */
  async unlock(code: string): Promise<StorageKey> {
    const encrypted = await Promise.all(CROSS_SIGNING_SECRETS.map((n) => this.encryptedSecret(n)));
    const missing = CROSS_SIGNING_SECRETS.filter((_, i) => Object.keys(encrypted[i]).length === 0);
    if (missing.length) {
      throw new SecretStorageError(`Secret storage on this account lacks ${missing.join(', ')}: set up recovery again (reset_encryption) from a device that has the keys, or start over.`);
    }
    const ids = Object.keys(encrypted[0]).filter((id) => encrypted.every((e) => id in e));
    if (ids.length === 0) throw new SecretStorageError('No single secret storage key opens all three cross-signing secrets on this account.');
    const def = await this.defaultKeyId();
    if (def && ids.includes(def)) ids.sort((a, b) => Number(b === def) - Number(a === def));
    const fromRecoveryKey = decodeRecoveryKey(code);
    let lastError = 'The recovery key or passphrase does not match the secret storage key of this account.';
    for (const id of ids) {
      const desc = await this.keyDescription(id);
      if (!desc) continue;
      if (desc.algorithm !== SSSS_ALGORITHM) {
        lastError = `The secret storage key ${id} uses ${desc.algorithm}, which Lattice does not know.`;
        continue;
      }
      const candidates: Uint8Array[] = [];
      // A copy per key tried: a candidate that fails is wiped, and the next key is tried with the same text.
      if (fromRecoveryKey) candidates.push(Uint8Array.from(fromRecoveryKey));
      if (desc.passphrase) candidates.push(await keyFromPassphrase(code, desc.passphrase));
      for (const key of candidates) {
        const checked = checkKey(key, desc);
        // Without a stored check, the key is good if it opens a secret.
        if (checked === true || (checked === undefined && opens(key, CROSS_SIGNING_SECRETS[0], encrypted[0][id]))) {
          fromRecoveryKey?.fill(0);
          for (const other of candidates) if (other !== key) other.fill(0);
          return { id, key };
        }
        key.fill(0);
      }
      if (!fromRecoveryKey && !desc.passphrase) lastError = 'That is not a recovery key (and this account has no recovery passphrase): check the key for typos.';
    }
    fromRecoveryKey?.fill(0);
    throw new SecretStorageError(lastError);
  }

  /** A secret's text, decrypted with the storage key; null when it is not stored for this key. */
  async getSecret(name: string, key: StorageKey): Promise<string | null> {
    const enc = (await this.encryptedSecret(name))[key.id];
    if (!enc) return null;
    return decryptSecret(key.key, name, enc).toString('utf8');
  }

  /** Stores a secret encrypted for `key` only (the old forms for other keys are dropped with the old keys). */
  async storeSecret(name: string, secret: string, key: StorageKey): Promise<void> {
    await this.client.account.setAccountData(this.userId, name, { encrypted: { [key.id]: encryptSecret(key.key, name, secret) } } as unknown as JSONObject);
  }

  /** Publishes a new storage key's description (with its check) and makes it the default. */
  async addDefaultKey(key: Uint8Array, passphrase?: PassphraseInfo): Promise<StorageKey> {
    const id = crypto.randomBytes(24).toString('base64url');
    const desc: KeyDescription = { algorithm: SSSS_ALGORITHM, ...keyCheck(key), ...(passphrase ? { passphrase } : {}) };
    await this.client.account.setAccountData(this.userId, KEY_TYPE_PREFIX + id, desc as unknown as JSONObject);
    await this.client.account.setAccountData(this.userId, DEFAULT_KEY_TYPE, { key: id });
    return { id, key };
  }
}

function opens(key: Uint8Array, name: string, enc: EncryptedSecret | undefined): boolean {
  if (!enc) return false;
  try {
    decryptSecret(key, name, enc).fill(0);
    return true;
  } catch {
    return false;
  }
}
