/**
 * Chooses the secret store, in the design's order: the OS keychain; Electron safeStorage when running in Electron;
 * a plain 0600 file only when the user explicitly asked for it. Otherwise it refuses, listing every reason.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { FileStore } from './file-store.ts';
import { KeychainStore, loadKeytar, type Keytar } from './keychain-store.ts';
import { SafeStorageStore, type SafeStorageProxy } from './safe-storage-store.ts';
import { SecretStoreUnavailableError, type SecretStore } from './secret-store.ts';

export interface OpenSecretStoreOptions {
  /** Separates the keychain entries of different data directories (profiles). */
  namespace: string;
  dataDir: string;
  safeStorage?: SafeStorageProxy;
  insecureFileFallback?: boolean;
  log?: (msg: string) => void;
  /** For tests: a keytar stand-in. */
  keytar?: () => Keytar;
}

/** A stable namespace for a data directory: two profiles never share keychain entries. */
export function secretNamespace(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}

export async function openSecretStore(opts: OpenSecretStoreOptions): Promise<SecretStore> {
  const reasons: string[] = [];
  const log = opts.log ?? (() => {});
  try {
    const store = new KeychainStore((opts.keytar ?? loadKeytar)(), opts.namespace);
    await store.probe();
    return store;
  } catch (e) {
    reasons.push(e instanceof Error ? e.message : String(e));
  }
  if (opts.safeStorage) {
    try {
      if (await opts.safeStorage.isAvailable()) {
        mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
        log(`OS keychain unavailable (${reasons[0]}); using Electron safeStorage`);
        return new SafeStorageStore(opts.safeStorage, opts.dataDir);
      }
      reasons.push('Electron safeStorage has no OS encryption available');
    } catch (e) {
      reasons.push(`Electron safeStorage failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (opts.insecureFileFallback) {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const store = new FileStore(opts.dataDir);
    log(`WARNING: ${store.description} (${reasons.join('; ')})`);
    return store;
  }
  throw new SecretStoreUnavailableError(
    `Lattice has nowhere safe to keep your access token: ${reasons.join('; ')}. ` +
    'Install and unlock a keyring that provides the Secret Service (such as GNOME Keyring or KWallet), ' +
    'or start Lattice with --insecure-secrets-file to keep secrets in a plain file readable only by you.');
}
