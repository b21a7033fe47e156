/** Secrets in a plain 0600 file: only when the user explicitly chose it, and the UI says so while it is used. */
import path from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import type { SecretStore } from './secret-store.ts';

export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly description: string;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'secrets.json');
    this.description = `Secrets are kept in the plain file ${this.file} (readable only by you), not in the OS keychain, because Lattice was started with --insecure-secrets-file.`;
  }

  async get(key: string): Promise<string | null> {
    return readJsonFile(this.file)[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    writeJsonFile(this.file, { ...readJsonFile(this.file), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const data = readJsonFile(this.file);
    if (!(key in data)) return;
    delete data[key];
    writeJsonFile(this.file, data);
  }
}
