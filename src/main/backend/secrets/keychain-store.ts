/**
 * The OS keychain through keytar: Secret Service (libsecret) on Linux, Keychain on macOS, Credential Manager on
 * Windows. keytar is loaded lazily so a missing or broken native module is an error in words, not a crash.
 */
import { createRequire } from 'node:module';
import type { SecretStore } from './secret-store.ts';
import { SecretStoreUnavailableError } from './secret-store.ts';

const SERVICE = 'lattice';
const PROBE_TIMEOUT_MS = 5000;

export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export function loadKeytar(): Keytar {
  try {
    return createRequire(import.meta.url)('keytar') as Keytar;
  } catch (e) {
    throw new SecretStoreUnavailableError(`the keychain module (keytar) could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly description: string;
  private readonly keytar: Keytar;
  private readonly namespace: string;

  constructor(keytar: Keytar, namespace: string, platform: NodeJS.Platform = process.platform) {
    this.keytar = keytar;
    this.namespace = namespace;
    this.description = platform === 'darwin' ? 'macOS Keychain' : platform === 'win32' ? 'Windows Credential Manager'
      : 'OS keychain (Secret Service)';
  }

  private account(key: string): string {
    return `${this.namespace}:${key}`;
  }

  get(key: string): Promise<string | null> {
    return this.keytar.getPassword(SERVICE, this.account(key));
  }

  async set(key: string, value: string): Promise<void> {
    await this.keytar.setPassword(SERVICE, this.account(key), value);
  }

  async delete(key: string): Promise<void> {
    await this.keytar.deletePassword(SERVICE, this.account(key));
  }

  /**
   * A set/get/delete round trip of a canary entry: a locked keyring answers get with null rather than failing,
   * and a hung D-Bus must not hang startup.
   */
  async probe(timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
    const canary = `probe-${process.pid}-${Date.now()}`;
    const roundTrip = async () => {
      await this.set('__canary__', canary);
      const got = await this.get('__canary__');
      await this.delete('__canary__');
      if (got !== canary) throw new Error('the keyring is locked or did not keep a test entry');
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([roundTrip(), timeout]);
    } catch (e) {
      throw new SecretStoreUnavailableError(`the OS keychain is not usable: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
