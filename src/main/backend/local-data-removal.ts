/**
 * What signing out deletes from this computer (unless the session ended softly and keeps its data): the database
 * with its push registrations and their keys in the secret store, the device's encryption keys, and cached media.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { Session } from './commands/context.ts';
import { wipeCryptoStore } from './crypto/crypto-session.ts';
import type { Logger } from './log/logger.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { PushRegistrationStore, pushKeyName } from './store/push-registrations.ts';
import type { Store } from './store/store.ts';

export interface LocalData {
  store: Store;
  secrets: SecretStore | undefined;
  dataDir: string;
  logger: Logger;
  /** Deletes the database and starts an empty one. */
  resetDatabase: () => void;
}

/** Deletes `s`'s local data; what cannot be deleted is logged, and the rest still goes. */
export async function removeLocalData(s: Session, { store, secrets, dataDir, logger, resetDatabase }: LocalData): Promise<void> {
  // Push registrations go with the database; their keys in the secret store go with them.
  for (const device of new PushRegistrationStore(store.db).deviceIdsWithKeys()) {
    await secrets?.delete(pushKeyName(device)).catch((e: unknown) => logger.warn(`could not delete a push key: ${errorMessage(e)}`));
  }
  resetDatabase();
  // The device is gone with the session, and so are its keys (a soft logout keeps both).
  if (secrets) {
    await wipeCryptoStore(dataDir, secrets)
      .catch((e: unknown) => logger.warn(`could not delete the encryption keys: ${errorMessage(e)}`));
  }
  // Media from private rooms must not outlive the account's session on this computer.
  try {
    s.media.cache.clear();
  } catch (e) {
    logger.warn(`could not delete the media cache: ${errorMessage(e)}`);
  }
}
