/**
 * What the command handlers get from the backend (the context) and what each area of them provides. Handlers
 * live in one module per area of the contract; `Backend` keeps the lifecycle (the database, the session, the
 * secret store, the connections) and lends it to them through this interface.
 */
import type { CommandArea } from '../../../shared/rpc/commands/define.ts';
import type { ClientState, EventName, EventPayloads, PresenceState, Room } from '../../../shared/rpc/index.ts';
import type { CryptoSession } from '../crypto/crypto-session.ts';
import type { MatrixClient, FetchLike } from '../matrix/client.ts';
import type { MediaFetcher } from '../media/media-fetcher.ts';
import type { MediaUploader } from '../media/media-uploader.ts';
import type { Handlers } from '../rpc/dispatcher.ts';
import type { LinkPreviewFetcher } from '../send/link-preview-fetcher.ts';
import type { Sender } from '../send/sender.ts';
import type { Store } from '../store/store.ts';
import type { AccountDataFence } from '../sync/account-data-fence.ts';
import type { SyncLoop } from '../sync/sync-loop.ts';

/** A signed-in account and what runs for it. */
export interface Session {
  client: MatrixClient;
  userId: string;
  deviceId: string;
  homeserverUrl: string;
  sync: SyncLoop;
  sender: Sender;
  media: MediaFetcher;
  /** Our presence as last set (online from the start); every /sync sends it as set_presence. */
  presence: PresenceState;
  uploader: MediaUploader;
  /** The homeserver's link previews, shared between get_url_preview and messages waiting for theirs. */
  previews: LinkPreviewFetcher;
  /** listen_to_device: whether sync_complete carries to-device events (for widgets). Off by default, as in gomuks. */
  listenToDevice: boolean;
  /** End-to-end encryption (absent only without a secret store, where no session can start anyway). */
  crypto: CryptoSession | undefined;
  /** The account's own profile, once fetched (client_state carries it). */
  profile: OwnProfile;
  /** Account data this backend stores itself after writing it (push rules), guarded against older sync answers. */
  accountData: AccountDataFence;
}

export interface OwnProfile { displayname?: string; avatar_url?: string }

export interface CommandContext {
  /** The fetch used for every homeserver request (tests pass a fake one). */
  readonly fetch: FetchLike | undefined;
  /** How long a request that should be answered at once (the login) may go unanswered; tests shorten it. */
  readonly answerWithinMs: number | undefined;
  /**
   * The bound of get_server_support's look-up of another server (server-support.ts's 10 s unless set): a test of a
   * server that never answers shortens it rather than wait the whole 10 s.
   */
  readonly serverSupportWithinMs: number | undefined;
  /** Folders upload_media may read files from (the host's choice; none by default). */
  readonly uploadRoots: readonly string[];
  /** The open database. It is replaced when an account's data is reset: read it at each use, never keep it. */
  readonly store: Store;
  readonly session: Session | undefined;
  /** The session, or the error a command gets without one. */
  requireSession(): Session;
  /** The stored room, or the error a command gets for a room this account has not joined. */
  requireRoom(roomId: string): Room;
  clientState(): ClientState;
  /** Pushes an event to every connected frontend. */
  broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void;

  /** Why no access token can be kept, or undefined when a secret store is open. */
  secretStoreProblem(): string | undefined;
  /** Puts the access token into the secret store; throws if it could not be kept. */
  saveAccessToken(token: string): Promise<void>;
  /** Puts another secret (e.g. a push registration's key) into the secret store; throws if it could not be kept. */
  saveSecret(key: string, value: string): Promise<void>;
  /** Deletes the database and opens an empty one. */
  resetDatabase(): void;
  /** Deletes the crypto store and its key (no session may be running). */
  wipeCrypto(): Promise<void>;
  /** Starts syncing a freshly signed-in account whose row is stored; frontends then wait for its first sync. */
  startSession(homeserverUrl: string, userId: string, deviceId: string, token: string, profile?: OwnProfile): void;
  /**
   * Stops the session, deletes the token and (unless `keepData`) the account's local data; `notice`, if given, is
   * what the login screen says about it (client_state's `signed_out_notice`) until someone signs in again.
   */
  endSession(reason: string | undefined, keepData?: boolean, notice?: string): Promise<void>;
}

/** The handlers of one area of the contract: exactly its commands (`cancel` is the dispatcher's own). */
export type AreaHandlers<A extends CommandArea> = Pick<Handlers, Exclude<keyof A, 'cancel'> & keyof Handlers>;
