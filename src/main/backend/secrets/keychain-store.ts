/**
 * The OS keychain through keytar: Secret Service (libsecret) on Linux, Keychain on macOS, Credential Manager on
 * Windows. keytar is loaded lazily so a missing or broken native module is an error in words, not a crash.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { errorMessage } from '../../../shared/error-message.ts';
import type { SecretStore } from './secret-store.ts';
import { SecretStoreUnavailableError, seconds, withTimeout } from './secret-store.ts';

const SERVICE = 'lattice';
const PROBE_TIMEOUT_MS = 5000;
const CANARY_KEY = '__canary__';
/** glibc's and musl's value; Node doesn't export it (os.constants.dlopen has no RTLD_NODELETE). */
const RTLD_NODELETE_LINUX = 0x1000;

export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let inFlight = 0;

/**
 * How many keychain calls have been started and not answered. A call stuck on a hung D-Bus can't be cancelled,
 * and it blocks a normal process exit (libuv joins its thread pool at exit): when this isn't 0 at shutdown, end
 * the process with a signal rather than process.exit().
 */
export function keychainCallsInFlight(): number {
  return inFlight;
}

export function loadKeytar(): Keytar {
  const require = createRequire(import.meta.url);
  if (process.platform === 'linux') pinForProcessLifetime(require);
  try {
    return require('keytar') as Keytar;
  } catch (e) {
    const reason = `the keychain module (keytar) could not be loaded: ${errorMessage(e)}. `
      + 'It is a native module: reinstall Lattice, or run `npm rebuild keytar` in a source checkout'
      + (process.platform === 'linux' ? ' (it needs libsecret-1)' : '');
    throw new SecretStoreUnavailableError(`${keychainLabel()} is not usable: ${reason}`,
      [{ kind: 'keychain', label: keychainLabel(), reason }]);
  }
}

/**
 * When a worker thread that loaded keytar exits, Node dlcloses keytar.node and with it libsecret, but GLib's type
 * registry stays: the next thread to load keytar re-registers libsecret's types, gets GLib-CRITICALs and hangs on
 * its first D-Bus call (or crashes). Loading it once with RTLD_NODELETE keeps it mapped for the process's life.
 * Best effort: if this fails, the require that follows reports the real problem.
 */
function pinForProcessLifetime(require: NodeJS.Require): void {
  try {
    const file = require.resolve('keytar/build/Release/keytar.node');
    process.dlopen({ exports: {} }, file, osConstants.dlopen.RTLD_NOW | RTLD_NODELETE_LINUX);
  } catch {
    // See above: the require reports it.
  }
}

export function keychainLabel(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'OS keychain (macOS Keychain)';
  if (platform === 'win32') return 'OS keychain (Windows Credential Manager)';
  return 'OS keychain (Secret Service)';
}

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly description: string;
  private readonly keytar: Keytar;
  private readonly namespace: string;

  /** `namespace` keeps two data directories apart in the one keychain: account = `${namespace}:${key}`. */
  constructor(keytar: Keytar, namespace: string, platform: NodeJS.Platform = process.platform) {
    // A ':' would let ("a:b", "c") and ("a", "b:c") name the same entry.
    if (!namespace || namespace.includes(':')) throw new TypeError(`bad keychain namespace "${namespace}"`);
    this.keytar = keytar;
    this.namespace = namespace;
    this.description = keychainLabel(platform);
  }

  private account(key: string): string {
    if (!key) throw new TypeError('secret key must not be empty');
    return `${this.namespace}:${key}`;
  }

  get(key: string): Promise<string | null> {
    const account = this.account(key);
    return track(() => this.keytar.getPassword(SERVICE, account));
  }

  async set(key: string, value: string): Promise<void> {
    const account = this.account(key);
    // keytar refuses an empty password with "Password is required."; say which rule it is.
    if (!value) throw new TypeError('a secret must not be empty');
    await track(() => this.keytar.setPassword(SERVICE, account, value));
  }

  async delete(key: string): Promise<void> {
    const account = this.account(key);
    await track(() => this.keytar.deletePassword(SERVICE, account));
  }

  /**
   * A set/get/delete round trip of a canary entry. Only a round trip tells: a locked keyring answers get with null
   * rather than failing, and a hung D-Bus must not hang startup, hence the timeout.
   */
  async probe(timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
    const canary = `probe-${process.pid}-${randomUUID()}`;
    let current = 'storing a test entry';
    const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      current = what;
      try {
        return await call();
      } catch (e) {
        throw new Error(`${what} failed: ${errorMessage(e)}`);
      }
    };
    // Not awaited past the timeout, but it goes on: if a slow keychain answers later, the canary still gets deleted.
    const roundTrip = (async () => {
      await step('storing a test entry', () => this.set(CANARY_KEY, canary));
      const got = await step('reading the test entry back', () => this.get(CANARY_KEY));
      await step('deleting the test entry', () => this.delete(CANARY_KEY));
      if (got === null) throw new Error('the keyring looks locked: a test entry was stored but reading it back returned nothing');
      if (got !== canary) throw new Error('a test entry read back with a different value (is another Lattice using the same data directory?)');
    })();
    try {
      await withTimeout(roundTrip, timeoutMs, () => new Error(`no answer within ${seconds(timeoutMs)} while ${current} `
        + '(D-Bus or the keychain service is hung, or an unlock prompt is waiting)'));
    } catch (e) {
      const reason = errorMessage(e);
      throw new SecretStoreUnavailableError(`${this.description} is not usable: ${reason}`,
        [{ kind: 'keychain', label: this.description, reason }]);
    }
  }
}

async function track<T>(call: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await call();
  } finally {
    inFlight--;
  }
}
