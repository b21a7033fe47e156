/** Secrets in a plain 0600 file: only when the user explicitly chose it, and the UI says so while it is used. */
import path from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import type { SecretStore } from './secret-store.ts';

/** The command-line option that allows this store (parsed by the desktop and headless entry points). */
export const INSECURE_FILE_FLAG = '--insecure-secrets-file';
export const FILE_STORE_FILE = 'secrets.json';

export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly description: string;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, FILE_STORE_FILE);
    this.description = `Kept in the plain file ${this.file} (0600: only your user can read it), not in the OS keychain, `
      + `because Lattice was started with ${INSECURE_FILE_FLAG}. Anyone who can read your files or their backups can use your account.`;
  }

  async get(key: string): Promise<string | null> {
    return readJsonFile(this.file)[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    if (!key) throw new TypeError('secret key must not be empty');
    if (!value) throw new TypeError('a secret must not be empty');
    writeJsonFile(this.file, { ...readJsonFile(this.file), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const data = readJsonFile(this.file);
    if (!(key in data)) return;
    delete data[key];
    writeJsonFile(this.file, data);
  }
}
