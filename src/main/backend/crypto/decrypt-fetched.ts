/**
 * Events fetched outside /sync (history, one event, context, threads, server search) are decrypted before they
 * are stored, as the sync's prepare step does for its timeline: an encrypted event stored without its decryption
 * would never be looked at again (a known event is not stored twice), and would never reach the retry queue.
 */
import type { ClientEvent } from '../matrix/types.ts';
import { encryptedBundledEdits } from '../sync/bundled-edit.ts';
import type { PreparedSync } from '../sync/prepared.ts';
import type { CryptoSession } from './crypto-session.ts';
import { isEncrypted } from './sync-crypto.ts';

/**
 * Decryptions by event ID for the encrypted ones among `events` and the encrypted edits the server bundled with them
 * (sync/bundled-edit.ts); undefined when there are none (or no engine).
 */
export async function decryptFetched(crypto: CryptoSession | undefined, roomId: string,
  events: readonly (ClientEvent | undefined)[]): Promise<PreparedSync | undefined> {
  if (!crypto) return undefined;
  const edits = encryptedBundledEdits(roomId, events);
  if (edits.length === 0 && !events.some((e) => isEncrypted(e))) return undefined;
  return crypto.decryptEvents(roomId, edits.length ? [...events, ...edits] : events);
}
