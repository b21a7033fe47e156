/**
 * The crypto engine's store: `@matrix-org/matrix-sdk-crypto-wasm` persisting through the SQLite IndexedDB in
 * `crypto.db` beside `lattice.db`, encrypted by the engine with a random 32-byte key that lives only in the host's
 * secret store (OS keychain) — never in SQLite, never in logs, never in an error message.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { DeviceId, OlmMachine, StoreHandle, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { SecretStore } from '../secrets/secret-store.ts';
import { installIndexedDbGlobals, openSqliteIndexedDb } from './idb/sqlite-indexeddb.ts';
import type { SqliteIndexedDb } from './idb/sqlite-indexeddb.ts';

export const CRYPTO_DB_FILE = 'crypto.db';
/** The secret store entry holding the store key (base64 of 32 random bytes). */
export const CRYPTO_STORE_KEY = 'crypto_store_key';
/** The engine's IndexedDB name prefix (it opens `<prefix>::matrix-sdk-crypto` and `…-meta`). */
const STORE_NAME = 'lattice';

export class CryptoStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoStoreError';
  }
}

export interface OpenCryptoStoreOptions {
  /** The data folder (where lattice.db is). */
  dataDir: string;
  secrets: SecretStore;
  userId: string;
  deviceId: string;
}

export interface CryptoStore {
  readonly machine: OlmMachine;
  /** Closes the engine and the database file (and so releases the lock). */
  close(): void;
}

/** The store key from the secret store, or a new one when there is no store yet; never replaces a lost key silently. */
async function storeKey(secrets: SecretStore, idb: SqliteIndexedDb): Promise<Uint8Array> {
  const saved = await secrets.get(CRYPTO_STORE_KEY);
  if (saved !== null) {
    const key = Buffer.from(saved, 'base64');
    if (key.length !== 32) throw new CryptoStoreError('The encryption store key kept in the secret store is damaged (it is not 32 bytes).');
    return new Uint8Array(key);
  }
  if ((await idb.factory.databases()).length > 0) {
    throw new CryptoStoreError(
      `The key that unlocks the encryption keys in ${idb.path} is missing from the secret store, so they cannot be read. ` +
        'Restore the keychain entry, or sign out and in again to start with new keys (messages only this device could read would be lost).',
    );
  }
  const key = crypto.randomBytes(32);
  await secrets.set(CRYPTO_STORE_KEY, key.toString('base64'));
  return new Uint8Array(key);
}

export async function openCryptoStore(options: OpenCryptoStoreOptions): Promise<CryptoStore> {
  const idb = openSqliteIndexedDb(path.join(options.dataDir, CRYPTO_DB_FILE));
  let uninstall: (() => void) | null = null;
  let handle: StoreHandle | null = null;
  try {
    const key = await storeKey(options.secrets, idb);
    await initAsync();
    uninstall = installIndexedDbGlobals(idb.factory);
    try {
      handle = await StoreHandle.openWithKey(STORE_NAME, key);
    } catch (e) {
      // A wrong key shows as a failure to decrypt what the engine stored; anything else is a store problem.
      if (/decrypt|unpickl|\bMAC\b/i.test(errorName(e))) {
        throw new CryptoStoreError(
          `The encryption keys in ${idb.path} cannot be unlocked with the key in the secret store (${errorName(e)}). ` +
            'The keychain entry may belong to another copy of the data folder.',
        );
      }
      throw new CryptoStoreError(`The encryption store in ${idb.path} could not be opened: ${errorName(e)}`);
    } finally {
      key.fill(0);
    }
    let machine: OlmMachine;
    try {
      machine = await OlmMachine.initFromStore(new UserId(options.userId), new DeviceId(options.deviceId), handle);
    } catch (e) {
      throw new CryptoStoreError(`The encryption store in ${idb.path} could not be loaded for ${options.userId} (${options.deviceId}): ${errorName(e)}`);
    }
    const opened = handle;
    const restore = uninstall;
    return {
      machine,
      close: () => {
        machine.close();
        opened.free();
        idb.close();
        restore();
      },
    };
  } catch (e) {
    handle?.free();
    idb.close();
    uninstall?.();
    throw e;
  }
}

/** An engine error in words without echoing anything secret (its messages carry no key material, but be sure). */
function errorName(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
