/** Secrets encrypted with Electron's safeStorage (the OS's own key), kept as base64 in a 0600 file. */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../../shared/error-message.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import type { SecretStore } from './secret-store.ts';
import { SecretStoreUnavailableError, seconds, withTimeout } from './secret-store.ts';

const PROBE_TIMEOUT_MS = 5000;
export const SAFE_STORAGE_FILE = 'secrets.safestorage.json';
export const SAFE_STORAGE_LABEL = 'Electron safeStorage';

/**
 * Electron's safeStorage as the backend sees it: async, because it may live on another thread. On Linux the host
 * must answer isAvailable() with false when Chromium fell back to its hard-coded key ("basic_text"): that is no
 * protection, and using it would be a silent fallback.
 */
export interface SafeStorageProxy {
  isAvailable(): Promise<boolean>;
  encrypt(s: string): Promise<Uint8Array>;
  decrypt(b: Uint8Array): Promise<string>;
}

export class SafeStorageStore implements SecretStore {
  readonly kind = 'electron-safe-storage' as const;
  readonly description: string;
  readonly file: string;
  private readonly ss: SafeStorageProxy;

  constructor(ss: SafeStorageProxy, dataDir: string) {
    this.ss = ss;
    this.file = path.join(dataDir, SAFE_STORAGE_FILE);
    this.description = `${SAFE_STORAGE_LABEL}: encrypted with a key the OS keeps, in ${this.file} (0600)`;
  }

  async get(key: string): Promise<string | null> {
    const b64 = readJsonFile(this.file)[key];
    if (b64 === undefined) return null;
    try {
      return await this.ss.decrypt(Buffer.from(b64, 'base64'));
    } catch (e) {
      // Typically the OS key changed (a new keyring, another machine): the entry can't be recovered, only replaced.
      throw new Error(`could not decrypt the secret "${key}" in ${this.file}: ${errorMessage(e)}`);
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (!key) throw new TypeError('secret key must not be empty');
    if (!value) throw new TypeError('a secret must not be empty');
    const enc = Buffer.from(await this.ss.encrypt(value)).toString('base64');
    // Read after the await: another set() may have written meanwhile, and its entry must survive this one.
    writeJsonFile(this.file, { ...readJsonFile(this.file), [key]: enc });
  }

  async delete(key: string): Promise<void> {
    const data = readJsonFile(this.file);
    if (!(key in data)) return;
    delete data[key];
    writeJsonFile(this.file, data);
  }

  /** Says why this store can't be used, if it can't: unavailable, or an encrypt/decrypt round trip fails. */
  async probe(timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
    const fail = (reason: string): never => {
      throw new SecretStoreUnavailableError(`${SAFE_STORAGE_LABEL} is not usable: ${reason}`,
        [{ kind: 'electron-safe-storage', label: SAFE_STORAGE_LABEL, reason }]);
    };
    const timedOut = () => new Error(`no answer within ${seconds(timeoutMs)}`);
    let available: boolean;
    try {
      available = await withTimeout(this.ss.isAvailable(), timeoutMs, timedOut);
    } catch (e) {
      return fail(errorMessage(e));
    }
    if (!available) return fail('the OS offers it no encryption key (on Linux that needs the same keyring the keychain does)');
    const canary = `probe-${randomUUID()}`;
    let back: string;
    try {
      back = await withTimeout(this.ss.encrypt(canary).then((b) => this.ss.decrypt(b)), timeoutMs, timedOut);
    } catch (e) {
      return fail(`an encrypt/decrypt round trip failed: ${errorMessage(e)}`);
    }
    if (back !== canary) fail('an encrypt/decrypt round trip returned something else');
  }
}
