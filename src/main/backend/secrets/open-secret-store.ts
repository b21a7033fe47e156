/**
 * Chooses the secret store, in the design's order: the OS keychain; Electron safeStorage when running in Electron;
 * a plain 0600 file only when the user explicitly asked for it. Otherwise it refuses, listing every reason. Every
 * fallback is logged with the reasons, and the chosen store's description says which one is used.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../../shared/error-message.ts';
import { FileStore, INSECURE_FILE_FLAG } from './file-store.ts';
import { ensurePrivateDir } from '../private-files.ts';
import { checkPrivate, writeJsonFile } from './json-file.ts';
import { KeychainStore, keychainLabel, loadKeytar, type Keytar } from './keychain-store.ts';
import { SAFE_STORAGE_LABEL, SafeStorageStore, type SafeStorageProxy } from './safe-storage-store.ts';
import {
  SecretStoreUnavailableError, type SecretStore, type SecretStoreAttempt, type SecretStoreKind,
} from './secret-store.ts';

export interface OpenSecretStoreOptions {
  /** Separates the keychain entries of different data directories (profiles); see secretNamespace(). */
  namespace: string;
  dataDir: string;
  /** Electron's safeStorage, when running in Electron. */
  safeStorage?: SafeStorageProxy;
  /** The user passed --insecure-secrets-file: a plain 0600 file is allowed when nothing better works. */
  insecureFileFallback?: boolean;
  log?: (msg: string) => void;
  /** For tests: a keytar stand-in. */
  keytar?: () => Keytar;
  /** How long each probe may take before that store counts as unusable (default 5 s). */
  probeTimeoutMs?: number;
  platform?: NodeJS.Platform;
}

/** A stable namespace for a data directory: two profiles never share keychain entries. */
export function secretNamespace(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}

export async function openSecretStore(opts: OpenSecretStoreOptions): Promise<SecretStore> {
  const log = opts.log ?? (() => {});
  const platform = opts.platform ?? process.platform;
  const attempts: SecretStoreAttempt[] = [];
  const failed = (kind: SecretStoreKind, label: string, e: unknown) => {
    if (e instanceof SecretStoreUnavailableError && e.attempts.length > 0) attempts.push(...e.attempts);
    else attempts.push({ kind, label, reason: errorMessage(e) });
  };
  const why = () => attempts.map((a) => `${a.label}: ${a.reason}`).join('; ');

  try {
    const store = new KeychainStore((opts.keytar ?? loadKeytar)(), opts.namespace, platform);
    await store.probe(opts.probeTimeoutMs);
    log(`secrets: using the ${store.description}`);
    return store;
  } catch (e) {
    failed('keychain', keychainLabel(platform), e);
  }

  if (opts.safeStorage) {
    try {
      const store = new SafeStorageStore(opts.safeStorage, opts.dataDir);
      await store.probe(opts.probeTimeoutMs);
      prepareFile(opts.dataDir, store.file, log);
      log(`secrets: falling back to ${store.description}, because ${why()}`);
      return store;
    } catch (e) {
      failed('electron-safe-storage', SAFE_STORAGE_LABEL, e);
    }
  } else {
    attempts.push({ kind: 'electron-safe-storage', label: SAFE_STORAGE_LABEL, reason: 'not running in Electron' });
  }

  if (opts.insecureFileFallback) {
    const store = new FileStore(opts.dataDir);
    try {
      prepareFile(opts.dataDir, store.file, log);
      log(`secrets: WARNING: ${store.description} Reason: ${why()}`);
      return store;
    } catch (e) {
      failed('file', `plain file ${store.file}`, e);
    }
  }

  throw new SecretStoreUnavailableError(
    `Lattice has nowhere safe to keep your access token, so it will not sign in. Tried: ${why()}. `
    + `${advice(platform)} Or start Lattice with ${INSECURE_FILE_FLAG} to keep secrets in a plain file that only your `
    + 'user can read (0600); anyone who can read your files can then use your account.',
    attempts);
}

function advice(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Make sure your login keychain is unlocked (Keychain Access) and let Lattice use it.';
  if (platform === 'win32') return 'Make sure Windows Credential Manager is available to your user.';
  return 'Install and unlock a keyring that provides the Secret Service (such as GNOME Keyring, KWallet or KeePassXC); '
    + 'without a desktop session (SSH, a container) run Lattice under dbus-run-session and unlock it with '
    + '`gnome-keyring-daemon --unlock`.';
}

/** Creates the store's file (0600) up front, or checks an existing one, so its protection is settled before use. */
function prepareFile(dataDir: string, file: string, log: (msg: string) => void): void {
  const dirWas = ensurePrivateDir(dataDir);
  if (dirWas !== null) log(`secrets: the folder ${dataDir} was readable by others (mode ${dirWas.toString(8)}); it is now 0700`);
  if (!existsSync(file)) {
    writeJsonFile(file, {});
    return;
  }
  const was = checkPrivate(file);
  if (was !== null) log(`secrets: ${file} was readable by others (mode ${was.toString(8)}); it is now 0600`);
}
