/**
 * The engine: owns the account, the database, the sync loop and sending, and serves any number of connected
 * frontends through the RPC contract. Plain Node; no Electron imports.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../shared/error-message.ts';
import type {
  ClientState, EventName, EventPayloads, MediaMessageContent, MediaRequest, MediaResponse, Room, SyncStatus,
} from '../../shared/rpc/index.ts';
import { clientStateOf } from './client-state.ts';
import type { CommandContext, OwnProfile, Session } from './commands/context.ts';
import { createHandlers } from './commands/handlers.ts';
import { wipeCryptoStore } from './crypto/crypto-session.ts';
import { fetchOwnProfile } from './commands/session.ts';
import type { FetchLike } from './matrix/client.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { AesCtrAttachments } from './crypto/attachment-cipher.ts';
import type { AttachmentCrypto } from './media/attachment-crypto.ts';
import { resanitizeStored } from './html/resanitize-stored.ts';
import { guessContentType } from './media/content-type.ts';
import type { UploadRequest } from './media/media-uploader.ts';
import type { DataPaths } from './paths.ts';
import { removeLocalData } from './local-data-removal.ts';
import { privateDataFolders } from './private-files.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from './rpc/connection.ts';
import { Frontends } from './rpc/frontends.ts';
import { fullState } from './rpc/full-state.ts';
import { chunkSyncComplete } from './rpc/sync-chunks.ts';
import { wireSyncComplete } from './rpc/wire-shape.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { SenderOptions } from './send/sender.ts';
import { Store } from './store/store.ts';
import { recheckStoredPreviews } from './sync/preview-recheck.ts';
import type { SyncTiming } from './sync/sync-loop.ts';
import { buildSession, type SessionHost } from './session-wiring.ts';

const TOKEN_KEY = 'matrix_access_token';
const DB_FILE = 'lattice.db';

export interface BackendOptions {
  paths: DataPaths;
  /**
   * The secret store the host opened (in the app, the worker's proxy to the host thread's keychain), or why there
   * is none: the backend then still serves the UI, but refuses to log in and says this.
   */
  secrets: { store: SecretStore } | { error: string };
  fetch?: FetchLike;
  /** Default: warnings and errors on stderr. */
  logger?: Logger;
  /** Outbox retry timing (tests shorten it). */
  sender?: SenderOptions;
  /** Sync retry timing (tests shorten it). */
  sync?: SyncTiming;
  /** How long get_server_support waits for another server (default 10 s; a test of a silent server shortens it). */
  serverSupportWithinMs?: number;
  /**
   * How long after a failed ask the homeserver is asked again what the account has for encryption (recovery.ts's
   * 5 s unless set): a test of a homeserver that fails, then answers, shortens it rather than wait the 5 s out.
   */
  encryptionRecheckMs?: number;
  /**
   * Folders whose files upload_media may send (it reads files on this computer, so by default none: hosts upload
   * through Backend.uploadMedia instead).
   */
  uploadRoots?: string[];
}

export class Backend implements BackendHost {
  private readonly opts: BackendOptions;
  private readonly logger: Logger;
  private readonly runId = randomUUID();
  private store: Store;
  private secrets: SecretStore | undefined;
  private secretsError: string | undefined;
  /** What the login screen says about how the last session ended (deactivation), until someone signs in again. */
  private signedOutNotice: string | undefined;
  /** A session's end under way (its data being deleted), for a second endSession to wait for. */
  private ending: Promise<void> | undefined;
  private session: Session | undefined;
  /** The sync loop's latest status, for frontends that connect later (gomuks sends it right after client_state). */
  private syncStatus: SyncStatus | undefined;
  private initialized = false;
  /** Encrypted attachments (the spec's AES-CTR format; setAttachmentCrypto replaces it). */
  private attachmentCrypto: AttachmentCrypto | undefined = new AesCtrAttachments();
  private readonly frontends: Frontends;

  private constructor(opts: BackendOptions, store: Store) {
    this.opts = opts;
    this.logger = opts.logger ?? createLogger({ level: 'warn', sinks: [{ write: (r) => console.error(`lattice backend: ${r.msg}`) }] });
    this.store = store;
    this.frontends = new Frontends(createHandlers(this.commandContext()), this.logger);
  }

  static async create(opts: BackendOptions): Promise<Backend> {
    const tightened = privateDataFolders(opts.paths);
    const store = Store.open(path.join(opts.paths.data, DB_FILE));
    const b = new Backend(opts, store);
    for (const t of tightened) b.logger.warn(t);
    // In the background, a slice per turn: sync and commands go on meanwhile (messages not yet done show as before).
    void resanitizeStored(() => b.store, b.logger);
    // Alike; rooms it changes after a frontend connected reach it as a sync's would.
    void recheckStoredPreviews(() => b.store, b.logger, (diff) => b.broadcast('sync_complete', diff));
    b.openSecrets();
    await b.resume();
    return b;
  }

  private openSecrets(): void {
    const given = this.opts.secrets;
    if ('store' in given) {
      this.secrets = given.store;
      this.logger.info(`secrets: using the ${given.store.description}`);
    } else {
      this.secretsError = given.error;
      this.logger.warn(`secrets unavailable: ${given.error}`);
    }
  }

  /** Picks up the stored session: the account row from SQLite, the token from the keychain. */
  private async resume(): Promise<void> {
    const account = this.store.account.get();
    if (!account || !this.secrets) return;
    let token: string | null;
    try {
      token = await this.secrets.get(TOKEN_KEY);
    } catch (e) {
      this.secretsError = `Could not read the access token from the ${this.secrets.description}: ${errorMessage(e)}`;
      this.logger.error(this.secretsError);
      return;
    }
    if (!token) {
      this.logger.warn('an account is stored but its access token is not in the keychain; sign in again');
      return;
    }
    this.runSession(account.homeserver_url, account.user_id, account.device_id, token);
    // With a stored next_batch the database already holds a usable state: frontends need not wait for the network.
    this.initialized = account.next_batch !== null;
  }

  private runSession(homeserverUrl: string, userId: string, deviceId: string, token: string, profile?: OwnProfile): void {
    this.syncStatus = undefined;
    const session = buildSession(this.sessionHost(), { homeserverUrl, userId, deviceId, token, profile });
    this.session = session;
    this.logger.info('session started', { device_id: deviceId });
    session.sync.start();
    session.sender.start();
    if (!profile) {
      void fetchOwnProfile(session.client, userId).then((p) => {
        if (this.session !== session || (!p.displayname && !p.avatar_url)) return;
        session.profile = p;
        this.broadcast('client_state', this.clientState());
      });
    }
  }

  /** What a session's parts (session-wiring.ts) may use of the backend. */
  private sessionHost(): SessionHost {
    return {
      opts: this.opts, logger: this.logger, secrets: this.secrets,
      store: () => this.store,
      current: () => this.session,
      broadcast: (command, data) => this.broadcast(command, data),
      clientState: () => this.clientState(),
      commandContext: () => this.commandContext(),
      attachmentCrypto: () => this.attachmentCrypto,
      syncStatusChanged: (status) => {
        this.syncStatus = status;
        this.broadcast('sync_status', status);
      },
      initialSyncDone: () => this.markInitialized(),
      sessionEnded: (reason, keepData) => void this.endSession(reason, keepData),
    };
  }

  private markInitialized(): void {
    const first = !this.initialized;
    this.initialized = true;
    if (first) this.broadcast('client_state', this.clientState());
    this.frontends.initialized();
  }

  // --- Connections -----------------------------------------------------------------------------------------

  /** A new frontend is told, in gomuks' order, the run, the client state, the sync status and all stored state. */
  connect(send: EnvelopeSink): BackendConnection {
    const f = this.frontends.connect(send);
    f.emit('run_id', { run_id: this.runId, etag: this.runId, vapid_key: '' });
    f.emit('client_state', this.clientState());
    if (this.session && this.syncStatus) f.emit('sync_status', this.syncStatus);
    for (const chunk of chunkSyncComplete(fullState(this.store))) f.emit('sync_complete', wireSyncComplete(chunk));
    const presence = this.store.presence.all();
    if (presence.length) f.emit('presence', { users: presence });
    if (!this.session || this.initialized) f.emit('init_complete', {});
    else f.awaitInit();
    return f.connection;
  }

  private broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void {
    this.frontends.broadcast(command, data);
  }

  clientState(): ClientState {
    return clientStateOf({
      session: this.session, initialized: this.initialized,
      secrets: this.secrets, secretsError: this.secretsError, signedOutNotice: this.signedOutNotice,
    });
  }

  // --- Commands --------------------------------------------------------------------------------------------

  /** What the command handlers (commands/) may use of the backend. */
  private commandContext(): CommandContext {
    const store = () => this.store;
    const session = () => this.session;
    return {
      fetch: this.opts.fetch,
      answerWithinMs: this.opts.sync?.answerWithinMs,
      serverSupportWithinMs: this.opts.serverSupportWithinMs,
      uploadRoots: this.opts.uploadRoots ?? [],
      get store() { return store(); },
      get session() { return session(); },
      requireSession: () => {
        if (!this.session) throw new Error('Not logged in.');
        return this.session;
      },
      requireRoom: (roomId: string): Room => {
        const room = this.store.rooms.get(roomId);
        if (!room) throw new Error(`Unknown room ${roomId}: it is not a room this account has joined.`);
        return room;
      },
      clientState: () => this.clientState(),
      broadcast: (command, data) => this.broadcast(command, data),
      secretStoreProblem: () => (this.secrets ? undefined : this.secretsError ?? ''),
      saveAccessToken: async (token) => {
        if (!this.secrets) throw new Error(`Cannot keep the access token. ${this.secretsError ?? ''}`.trim());
        await this.secrets.set(TOKEN_KEY, token);
      },
      saveSecret: async (key, value) => {
        if (!this.secrets) throw new Error(`Cannot keep the secret. ${this.secretsError ?? ''}`.trim());
        await this.secrets.set(key, value);
      },
      resetDatabase: () => this.resetDatabase(),
      wipeCrypto: async () => { if (this.secrets) await wipeCryptoStore(this.opts.paths.data, this.secrets); },
      startSession: (homeserverUrl, userId, deviceId, token, profile) => {
        this.initialized = false;
        this.signedOutNotice = undefined;
        this.runSession(homeserverUrl, userId, deviceId, token, profile);
        this.frontends.awaitInit();
        this.broadcast('client_state', this.clientState());
      },
      endSession: (reason, keepData, notice) => this.endSession(reason, keepData, notice),
    };
  }

  /**
   * Stops syncing and deletes the token and (unless `keepData`) all local data of the account: its database, push
   * keys, encryption keys and cached media. `notice` is said on the login screen (client_state) afterwards.
   */
  private async endSession(reason: string | undefined, keepData = false, notice?: string): Promise<void> {
    const s = this.session;
    if (!s) {
      // Already ending (the sync may have seen the token die first): once that is done the data is gone, and the
      // notice still reaches the login screen.
      await this.ending;
      if (notice) {
        this.signedOutNotice = notice;
        this.broadcast('client_state', this.clientState());
      }
      return;
    }
    this.session = undefined;
    const ending = this.finishSession(s, reason, keepData, notice);
    this.ending = ending;
    try {
      await ending;
    } finally {
      if (this.ending === ending) this.ending = undefined;
    }
  }

  private async finishSession(s: Session, reason: string | undefined, keepData: boolean, notice: string | undefined): Promise<void> {
    s.sender.stop();
    await s.sync.stop();
    await s.crypto?.close();
    await this.secrets?.delete(TOKEN_KEY).catch((e: unknown) => this.logger.warn(`could not delete the token: ${errorMessage(e)}`));
    if (!keepData) {
      await removeLocalData(s, {
        store: this.store, secrets: this.secrets, dataDir: this.opts.paths.data, logger: this.logger,
        resetDatabase: () => this.resetDatabase(),
      });
    }
    if (notice) this.signedOutNotice = notice;
    this.initialized = false;
    if (reason) this.logger.warn(reason);
    this.broadcast('client_state', this.clientState());
    if (!keepData) this.broadcast('sync_complete', { clear_state: true, rooms: {}, left_rooms: [], invited_rooms: [] });
  }

  /** Deletes the database and starts an empty one. */
  private resetDatabase(): void {
    this.store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(this.opts.paths.data, DB_FILE + suffix), { force: true });
    this.store = Store.open(path.join(this.opts.paths.data, DB_FILE));
  }

  /** Media for a host to serve to the renderer (see src/shared/rpc/media.ts). */
  fetchMedia(req: MediaRequest): Promise<MediaResponse> {
    if (!this.session) {
      return Promise.resolve({ status: 503, contentType: 'text/plain; charset=utf-8', body: Buffer.from('not logged in'), error: 'not logged in' });
    }
    return this.session.media.fetch(req);
  }

  /**
   * Uploads a file for a host's upload route (the web host's `/_gomuks/upload`): the size checked against the
   * homeserver's limit first, `onProgress` told as the bytes go out. Answers with the m.room.message content to
   * send (as send_message's base_content); rejects with an Error whose message is meant for the user.
   */
  uploadMedia(data: Uint8Array, req: Omit<UploadRequest, 'contentType'> & { contentType?: string }): Promise<MediaMessageContent> {
    if (!this.session) return Promise.reject(new Error('Not logged in.'));
    // Without a type from the host, the bytes (images) or the file name say what it is.
    return this.session.uploader.upload(data, { ...req, contentType: req.contentType || guessContentType(req.filename, data) });
  }

  /** The homeserver's upload limit in bytes (undefined: none given), for a host to refuse a body early. */
  async maxUploadBytes(): Promise<number | undefined> {
    return this.session?.uploader.maxUploadBytes();
  }

  /** Where end-to-end encryption plugs in encrypted attachments (see media/attachment-crypto.ts). */
  setAttachmentCrypto(crypto: AttachmentCrypto | undefined): void {
    this.attachmentCrypto = crypto;
  }

  // --- Lifecycle -------------------------------------------------------------------------------------------

  /** Tells the homeserver we are gone, so others do not see us online until the server times us out. */
  private async goOffline(s: Session): Promise<void> {
    try {
      await s.client.presence.setPresence(s.userId, 'offline', undefined, { timeoutMs: OFFLINE_TIMEOUT_MS, rateLimitRetries: 0 });
    } catch (e) {
      this.logger.info(`could not set presence to offline on shutdown: ${errorMessage(e)}`);
    }
  }

  async close(): Promise<void> {
    this.frontends.closeAll();
    const s = this.session;
    this.session = undefined;
    if (s) {
      s.sender.stop();
      await Promise.all([s.sync.stop(), this.goOffline(s)]);
      await s.crypto?.close();
    }
    this.store.close();
  }
}

/** How long shutting down waits for the homeserver to take our "offline" (quitting must not hang on it). */
const OFFLINE_TIMEOUT_MS = 3000;
