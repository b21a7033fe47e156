/** Where the backend keeps secrets (the access token, later the crypto store key). Never SQLite, never logs. */
export interface SecretStore {
  readonly kind: 'keychain' | 'electron-safe-storage' | 'file';
  /** In words, for the UI: where the secrets are and how well they are protected. */
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** No secret store could be opened; the message says what failed and what the user can do. */
export class SecretStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreUnavailableError';
  }
}
