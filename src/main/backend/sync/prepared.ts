/**
 * The seam between the synchronous sync transaction and asynchronous work that must happen before it (the crypto
 * engine): the sync loop awaits an optional `prepare` step per /sync response and hands what it returns to the
 * transaction, so the database write stays one synchronous transaction with next_batch.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { SyncResponse } from '../matrix/types.ts';

/** The outcome of decrypting one event: its cleartext type and content, or why it could not be decrypted. */
export interface Decryption {
  decrypted?: JSONObject;
  decrypted_type?: string;
  error?: string;
}

/** Decryptions by event ID. */
export type PreparedSync = ReadonlyMap<string, Decryption>;

export type PrepareSync = (resp: SyncResponse, signal: AbortSignal) => Promise<PreparedSync>;
