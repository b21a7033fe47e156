/**
 * A keychain in memory, for tests that run a backend or crypto store without the OS's Secret Service (those that
 * test the keychain itself use the real one). `values` shows what was stored.
 */
import type { SecretStore } from '../../src/main/backend/secrets/secret-store.ts';

export class MemorySecrets implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly description = 'memory (tests)';
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | null> { return Promise.resolve(this.values.get(key) ?? null); }
  set(key: string, value: string): Promise<void> { this.values.set(key, value); return Promise.resolve(); }
  delete(key: string): Promise<void> { this.values.delete(key); return Promise.resolve(); }
}
