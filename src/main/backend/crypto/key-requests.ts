/**
 * Asking for missing keys. The `session_request` queue (migration 8) holds each megolm session some stored event
 * could not be decrypted with; this asks each registered key source for the keys of sessions not asked for yet
 * (the key backup registers itself as one, and goes first), then other devices: the engine queues an
 * `m.room_key_request` when a decryption fails for a missing key, which goes only to this account's other verified
 * devices (key-request-recipients.ts), so asking again means decrypting the stored events again and sending what
 * the engine queued. Keys that come back arrive through
 * the engine's room-key callback, which retries the stored events (decryption-retry.ts).
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { Logger } from '../log/logger.ts';
import type { DecryptionRetry, SessionRequest } from './decryption-retry.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

/** Something that can supply megolm session keys (the key backup): it imports what it finds into the engine. */
export type KeySource = (sessions: readonly SessionRequest[], signal: AbortSignal) => Promise<void>;

export class KeyRequests {
  private readonly retry: DecryptionRetry;
  private readonly outgoing: OutgoingRequests;
  private readonly logger: Logger;
  private readonly sources: KeySource[] = [];
  private asking: Promise<void> | undefined;

  constructor(retry: DecryptionRetry, outgoing: OutgoingRequests, logger: Logger) {
    this.retry = retry;
    this.outgoing = outgoing;
    this.logger = logger;
  }

  /** Adds a source asked before other devices (in the order added). */
  addSource(source: KeySource): void {
    this.sources.push(source);
  }

  /** Asks for the keys of the queued sessions not asked for yet; one round at a time. */
  askNew(signal: AbortSignal): Promise<void> {
    this.asking ??= this.askRound(signal).finally(() => { this.asking = undefined; });
    return this.asking;
  }

  private async askRound(signal: AbortSignal): Promise<void> {
    const fresh = this.retry.queued(true);
    if (fresh.length === 0) return;
    await this.ask(fresh, signal);
  }

  /** gomuks' rerequest_session: asks every source and this account's verified other devices again for one session's key. */
  async rerequest(roomId: string, sessionId: string, sender: string, signal: AbortSignal): Promise<void> {
    const queued = this.retry.queued().find((q) => q.session_id === sessionId);
    await this.ask([queued ?? { session_id: sessionId, room_id: roomId, sender, requested_at: 0 }], signal);
  }

  private async ask(sessions: SessionRequest[], signal: AbortSignal): Promise<void> {
    const ids = sessions.map((s) => s.session_id);
    this.retry.markRequested(ids);
    for (const source of this.sources) {
      try {
        await source(sessions, signal);
      } catch (e) {
        // One source failing (the backup unreachable) must not keep the others from being asked.
        this.logger.warn(`encryption: asking for missing keys failed: ${errorMessage(e)}`);
      }
    }
    // Decrypting again makes the engine queue a key request to our other devices for what is still missing.
    await this.retry.retry(ids);
    await this.outgoing.flush();
  }
}
