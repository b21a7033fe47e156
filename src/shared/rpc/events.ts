/**
 * Events the backend pushes to frontends (negative request ids). Frontends never answer them.
 */
import type {
  ClientState, EventsDecrypted, PresenceUpdate, RunID, SendComplete, SyncComplete, SyncStatus, Typing,
} from './types.ts';
import type { KeyBackupRestore } from './commands/crypto.ts';
import type { UserIdentityUpdate, VerificationFlow } from './commands/verification.ts';

export interface EventPayloads {
  /** A /sync batch was stored; also carries the whole room list (clear_state) when a frontend connects. */
  sync_complete: SyncComplete;
  sync_status: SyncStatus;
  events_decrypted: EventsDecrypted;
  typing: Typing;
  /**
   * Lattice extension: presence changes from /sync, kept per user in the database. Sent on its own rather than in
   * sync_complete (gomuks has no presence), and once on connect with every stored user's presence.
   */
  presence: PresenceUpdate;
  /** A send started by send_message/send_event finished; `error` is null on success. */
  send_complete: SendComplete;
  client_state: ClientState;
  /** The frontend is caught up: after the first sync (fresh login) or after the stored state was sent. */
  init_complete: Record<string, never>;
  /**
   * Lattice extension: an interactive verification changed (a request arrived, was accepted, the emoji are ready,
   * it finished or was cancelled). Carries the whole flow; see commands/verification.ts.
   */
  verification_update: VerificationFlow;
  /**
   * Lattice extension: a user's cross-signing identity was first seen, changed, verified or accepted (see
   * UserIdentityUpdate in commands/verification.ts). `identity_changed` says the frontend should warn.
   */
  user_identity_update: UserIdentityUpdate;
  /** Lattice extension: progress of restoring room keys from a key backup (see KeyBackupRestore in commands/crypto.ts). */
  key_backup_restore: KeyBackupRestore;
  /** First message on every connection. */
  run_id: RunID;
}

export type EventName = keyof EventPayloads;
