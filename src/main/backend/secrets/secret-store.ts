/** Where the backend keeps secrets (the access token, later the crypto store key). Never SQLite, never logs. */
export interface SecretStore {
  readonly kind: 'keychain' | 'electron-safe-storage' | 'file';
  /** In words, for the UI: where the secrets are and how well they are protected. */
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Deleting a key that isn't there is not an error. */
  delete(key: string): Promise<void>;
}

export type SecretStoreKind = SecretStore['kind'];

/** A store that was tried and why it can't be used. */
export interface SecretStoreAttempt {
  readonly kind: SecretStoreKind;
  /** The store in words, e.g. "OS keychain (Secret Service)". */
  readonly label: string;
  readonly reason: string;
}

/**
 * No secret store could be opened; the message says what failed and what the user can do, in words meant to be
 * shown as they are. `attempts` has the same reasons for code that wants them one by one.
 */
export class SecretStoreUnavailableError extends Error {
  readonly attempts: readonly SecretStoreAttempt[];

  constructor(message: string, attempts: readonly SecretStoreAttempt[] = []) {
    super(message);
    this.name = 'SecretStoreUnavailableError';
    this.attempts = attempts;
  }
}

/**
 * Rejects with `onTimeout()` if `work` hasn't settled after `ms`. The work itself goes on (a native D-Bus call
 * can't be cancelled); this only stops the caller from waiting for it.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}


export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
