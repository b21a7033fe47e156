/**
 * Events fetched outside /sync (history, one event, context, threads, server search) are decrypted before they
 * are stored, as the sync's prepare step does for its timeline: an encrypted event stored without its decryption
 * would never be looked at again (a known event is not stored twice), and would never reach the retry queue.
 */
import type { ClientEvent } from '../matrix/types.ts';
import { bundledEdits } from '../reading/bundled-edits.ts';
import type { PreparedSync } from '../sync/prepared.ts';
import type { CryptoSession } from './crypto-session.ts';
import { isEncrypted } from './sync-crypto.ts';

/**
 * Decryptions by event ID for the encrypted ones among `events` and the latest edits bundled with them (stored
 * beside them, reading/bundled-edits.ts); undefined when there are none (or no engine).
 */
export async function decryptFetched(crypto: CryptoSession | undefined, roomId: string,
  events: readonly (ClientEvent | undefined)[]): Promise<PreparedSync | undefined> {
  const all = [...events, ...bundledEdits(events)];
  if (!crypto || !all.some((e) => isEncrypted(e))) return undefined;
  return crypto.decryptEvents(roomId, all);
}
