/** Secrets encrypted with Electron's safeStorage (the OS's own key), kept as base64 in a 0600 file. */
import path from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import type { SecretStore } from './secret-store.ts';

/** Electron's safeStorage as the backend sees it: async, because it may live on another thread. */
export interface SafeStorageProxy {
  isAvailable(): Promise<boolean>;
  encrypt(s: string): Promise<Uint8Array>;
  decrypt(b: Uint8Array): Promise<string>;
}

export class SafeStorageStore implements SecretStore {
  readonly kind = 'electron-safe-storage' as const;
  readonly description = 'encrypted with the operating system\'s key through Electron safeStorage';
  private readonly file: string;
  private readonly ss: SafeStorageProxy;

  constructor(ss: SafeStorageProxy, dataDir: string) {
    this.ss = ss;
    this.file = path.join(dataDir, 'secrets.safestorage.json');
  }

  async get(key: string): Promise<string | null> {
    const b64 = readJsonFile(this.file)[key];
    return b64 === undefined ? null : this.ss.decrypt(Buffer.from(b64, 'base64'));
  }

  async set(key: string, value: string): Promise<void> {
    const enc = Buffer.from(await this.ss.encrypt(value)).toString('base64');
    writeJsonFile(this.file, { ...readJsonFile(this.file), [key]: enc });
  }

  async delete(key: string): Promise<void> {
    const data = readJsonFile(this.file);
    if (!(key in data)) return;
    delete data[key];
    writeJsonFile(this.file, data);
  }
}
