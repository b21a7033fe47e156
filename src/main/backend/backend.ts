/**
 * The engine: owns the account, the database, the sync loop and sending, and serves any number of connected
 * frontends through the RPC contract. Plain Node; no Electron imports.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type {
  ClientState, CommandParams, Envelope, EventName, EventPayloads, JSONObject, MediaRequest, MediaResponse,
  SyncComplete, SyncRoom,
} from '../../shared/rpc/index.ts';
import { MatrixClient, type FetchLike } from './matrix/client.ts';
import { discoverHomeserver } from './matrix/discovery.ts';
import { MediaFetcher } from './media/media-fetcher.ts';
import { describeLoginError, MatrixError } from './matrix/errors.ts';
import { createLogger, type Logger } from './log/logger.ts';
import type { DataPaths } from './paths.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from './rpc/connection.ts';
import { Dispatcher, type Handlers } from './rpc/dispatcher.ts';
import { paginate } from './rooms/paginate.ts';
import { getRoomState } from './rooms/room-state.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { renderMarkdown } from './send/markdown.ts';
import { Sender } from './send/sender.ts';
import { Store } from './store/store.ts';
import { SyncLoop } from './sync/sync-loop.ts';

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
}

interface Session {
  client: MatrixClient;
  userId: string;
  deviceId: string;
  homeserverUrl: string;
  sync: SyncLoop;
  sender: Sender;
  media: MediaFetcher;
}

interface Conn {
  send: EnvelopeSink;
  nextEventId: number;
  dispatcher: Dispatcher;
  /** init_complete is owed once the first sync of a fresh login lands. */
  awaitingInit: boolean;
}

export class Backend implements BackendHost {
  private readonly opts: BackendOptions;
  private readonly logger: Logger;
  /** Plain messages from the lifecycle code, as warnings: each says something went wrong. */
  private readonly log: (msg: string) => void;
  private readonly runId = randomUUID();
  private store: Store;
  private secrets: SecretStore | undefined;
  private secretsError: string | undefined;
  private session: Session | undefined;
  private initialized = false;
  private readonly conns = new Set<Conn>();
  private loginInProgress = false;

  private constructor(opts: BackendOptions, store: Store) {
    this.opts = opts;
    this.logger = opts.logger ?? createLogger({ level: 'warn', sinks: [{ write: (r) => console.error(`lattice backend: ${r.msg}`) }] });
    this.log = (m) => this.logger.warn(m);
    this.store = store;
  }

  static async create(opts: BackendOptions): Promise<Backend> {
    mkdirSync(opts.paths.data, { recursive: true, mode: 0o700 });
    const store = Store.open(path.join(opts.paths.data, DB_FILE));
    const b = new Backend(opts, store);
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
      this.secretsError = `Could not read the access token from the ${this.secrets.description}: ${e instanceof Error ? e.message : String(e)}`;
      this.logger.error(this.secretsError);
      return;
    }
    if (!token) {
      this.logger.warn('an account is stored but its access token is not in the keychain; sign in again');
      return;
    }
    this.startSession(account.homeserver_url, account.user_id, account.device_id, token);
    // With a stored next_batch the database already holds a usable state: frontends need not wait for the network.
    this.initialized = account.next_batch !== null;
  }

  private startSession(homeserverUrl: string, userId: string, deviceId: string, token: string): void {
    const client = new MatrixClient(homeserverUrl, token, this.opts.fetch);
    const sync = new SyncLoop({
      client, store: this.store, userId,
      onSyncComplete: (diff) => this.broadcast('sync_complete', diff),
      onTyping: (t) => this.broadcast('typing', t),
      onStatus: (s) => this.broadcast('sync_status', s),
      onInitialSync: () => this.markInitialized(),
      onSessionEnded: (reason, soft) => void this.endSession(reason, soft),
    });
    const sender = new Sender(client, this.store, userId, (c) => this.broadcast('send_complete', c));
    const media = new MediaFetcher(client, this.opts.paths.cache);
    this.session = { client, userId, deviceId, homeserverUrl, sync, sender, media };
    this.logger.info('session started', { device_id: deviceId });
    sync.start();
  }

  private markInitialized(): void {
    const first = !this.initialized;
    this.initialized = true;
    if (first) this.broadcast('client_state', this.clientState());
    for (const c of this.conns) {
      if (c.awaitingInit) {
        c.awaitingInit = false;
        this.emit(c, 'init_complete', {});
      }
    }
  }

  // --- Connections -----------------------------------------------------------------------------------------

  connect(send: EnvelopeSink): BackendConnection {
    const conn: Conn = {
      send,
      nextEventId: -1,
      awaitingInit: false,
      dispatcher: new Dispatcher(this.handlers(), (env) => safeSend(send, env, this.logger), this.logger),
    };
    this.conns.add(conn);
    this.emit(conn, 'run_id', { run_id: this.runId, etag: this.runId });
    this.emit(conn, 'client_state', this.clientState());
    this.emit(conn, 'sync_complete', this.fullState());
    if (!this.session || this.initialized) this.emit(conn, 'init_complete', {});
    else conn.awaitingInit = true;
    return {
      receive: (raw) => { if (this.conns.has(conn)) conn.dispatcher.receive(raw); },
      close: () => { conn.dispatcher.close(); this.conns.delete(conn); },
    };
  }

  private emit<E extends EventName>(conn: Conn, command: E, data: EventPayloads[E]): void {
    safeSend(conn.send, { command, request_id: conn.nextEventId--, data }, this.logger);
  }

  private broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void {
    for (const c of this.conns) this.emit(c, command, data);
  }

  /** Everything a newly connected frontend needs for the room list. */
  private fullState(): SyncComplete {
    const rooms: Record<string, SyncRoom> = {};
    for (const meta of this.store.rooms.all()) {
      const sr: SyncRoom = { meta };
      if (meta.preview_event_rowid) {
        const ev = this.store.events.get(meta.preview_event_rowid);
        if (ev) sr.events = [ev];
      }
      rooms[meta.room_id] = sr;
    }
    return {
      clear_state: true,
      since: this.store.account.get()?.next_batch ?? undefined,
      rooms,
      account_data: this.store.account.allAccountData(),
      invited_rooms: this.store.account.allInvites(),
      left_rooms: [],
    };
  }

  clientState(): ClientState {
    const s = this.session;
    const state: ClientState = { is_initialized: this.initialized || !s, is_logged_in: !!s, is_verified: false };
    if (s) {
      state.user_id = s.userId;
      state.device_id = s.deviceId;
      state.homeserver_url = s.homeserverUrl;
    }
    if (this.secrets && this.secrets.kind === 'file') state.secret_storage_warning = this.secrets.description;
    if (this.secretsError) state.secret_storage_error = this.secretsError;
    return state;
  }

  // --- Commands --------------------------------------------------------------------------------------------

  private handlers(): Handlers {
    return {
      get_state: () => this.clientState(),
      get_login_flows: async ({ homeserver_url }, signal) => {
        const resp = await new MatrixClient(homeserver_url, undefined, this.opts.fetch).loginFlows(signal);
        return { flows: resp.flows as { type: string }[] };
      },
      discover_homeserver: ({ user_id }, signal) => discoverHomeserver(user_id, signal, this.opts.fetch),
      login: ({ homeserver_url, username, password }, signal) => this.login(homeserver_url, {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: username },
        password,
      }, signal),
      login_custom: ({ homeserver_url, request }, signal) => this.login(homeserver_url, request, signal),
      logout: () => this.logout(),
      paginate: ({ room_id, max_timeline_id, limit }, signal) =>
        paginate(this.store, this.requireSession().client, room_id, max_timeline_id, limit ?? 50, signal),
      get_room_state: async ({ room_id, refetch, fetch_members, include_members }, signal) => {
        const { state, updatedRoom } = await getRoomState(this.store, this.requireSession().client, room_id,
          { refetch, fetchMembers: fetch_members, includeMembers: include_members }, signal);
        if (updatedRoom) this.broadcast('sync_complete', { rooms: { [room_id]: { meta: updatedRoom } } });
        return state;
      },
      send_message: (p) => this.sendMessage(p),
      send_event: async ({ room_id, type, content, synchronous }) => {
        this.requireRoom(room_id);
        const { echo, done } = this.requireSession().sender.send(room_id, type, content);
        if (!synchronous) return echo;
        const result = await done;
        if (result.error) throw new Error(`Sending failed: ${result.error}`);
        return result.event;
      },
      mark_read: ({ room_id, event_id, receipt_type }) => this.markRead(room_id, event_id, receipt_type),
    };
  }

  private requireSession(): Session {
    if (!this.session) throw new Error('Not logged in.');
    return this.session;
  }

  private requireRoom(roomId: string): void {
    if (!this.store.rooms.get(roomId)) throw new Error(`Unknown room ${roomId}: it is not a room this account has joined.`);
  }

  private async login(homeserverUrl: string, request: JSONObject | Record<string, unknown>, signal: AbortSignal): Promise<boolean> {
    if (this.session) throw new Error(`Already logged in as ${this.session.userId}; log out first.`);
    if (!this.secrets) {
      throw new Error(`Cannot sign in: there is nowhere safe to keep the access token. ${this.secretsError ?? ''}`.trim());
    }
    if (this.loginInProgress) throw new Error('A login is already in progress.');
    this.loginInProgress = true;
    try {
      const client = new MatrixClient(homeserverUrl, undefined, this.opts.fetch);
      let resp;
      try {
        resp = await client.login({ initial_device_display_name: 'Lattice', ...request }, signal);
      } catch (e) {
        throw new Error(describeLoginError(e));
      }
      if (typeof resp?.access_token !== 'string' || typeof resp.user_id !== 'string' || typeof resp.device_id !== 'string') {
        throw new Error('The homeserver sent an incomplete login response.');
      }
      // The token goes to the keychain first: if that fails, no account row points at a token we can't find.
      await this.secrets.set(TOKEN_KEY, resp.access_token);
      // Another account's data must not mix with this one's; the same account (after a soft logout, or a lost
      // token) keeps its stored history and syncs afresh from a new device.
      const previous = this.store.account.get();
      if (previous && previous.user_id !== resp.user_id) this.resetDatabase();
      this.store.account.put(resp.user_id, resp.device_id, client.baseUrl);
      this.initialized = false;
      this.startSession(client.baseUrl, resp.user_id, resp.device_id, resp.access_token);
      for (const c of this.conns) c.awaitingInit = true;
      this.broadcast('client_state', this.clientState());
      return true;
    } finally {
      this.loginInProgress = false;
    }
  }

  private async logout(): Promise<boolean> {
    const s = this.requireSession();
    try {
      await s.client.logout();
    } catch (e) {
      // An already invalid token is logged out as far as the server is concerned; anything else must be said.
      if (!(e instanceof MatrixError && e.errcode === 'M_UNKNOWN_TOKEN')) {
        throw new Error(`Could not log out on the homeserver: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await this.endSession(undefined);
    return true;
  }

  /** Stops syncing and deletes the token and (unless `keepData`) all local data of the account. */
  private async endSession(reason: string | undefined, keepData = false): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.sender.stop();
    await s.sync.stop();
    await this.secrets?.delete(TOKEN_KEY).catch((e: unknown) => this.log(`could not delete the token: ${String(e)}`));
    if (!keepData) this.resetDatabase();
    this.initialized = false;
    if (reason) this.log(reason);
    this.broadcast('client_state', this.clientState());
    if (!keepData) this.broadcast('sync_complete', { clear_state: true, rooms: {}, left_rooms: [], invited_rooms: [] });
  }

  /** Deletes the database and starts an empty one. */
  private resetDatabase(): void {
    this.store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(this.opts.paths.data, DB_FILE + suffix), { force: true });
    this.store = Store.open(path.join(this.opts.paths.data, DB_FILE));
  }

  private sendMessage(p: CommandParams<'send_message'>) {
    this.requireRoom(p.room_id);
    const content: JSONObject = p.base_content ? { ...p.base_content } : {};
    if (p.text !== undefined && p.text.trim() !== '') {
      const text = renderMarkdown(p.text);
      if (p.base_content) {
        // A caption for media: the text goes into body; msgtype stays the media's.
        content.body = text.body;
        if (text.formatted_body) { content.format = text.format!; content.formatted_body = text.formatted_body; }
      } else {
        Object.assign(content, text);
      }
    }
    if (p.extra) Object.assign(content, p.extra);
    if (p.relates_to) content['m.relates_to'] = p.relates_to as JSONObject;
    if (p.mentions) content['m.mentions'] = p.mentions as JSONObject;
    return this.requireSession().sender.send(p.room_id, 'm.room.message', content).echo;
  }

  private async markRead(roomId: string, eventId: string, receiptType: 'm.read' | 'm.read.private'): Promise<boolean> {
    const s = this.requireSession();
    const room = this.store.rooms.get(roomId);
    if (!room) throw new Error(`Unknown room ${roomId}: it is not a room this account has joined.`);
    await s.client.setReadMarkers(roomId, { [receiptType]: eventId, 'm.fully_read': eventId });
    // The server's counts follow in the next sync; clear them now so the badge goes away at once.
    if (room.unread_messages || room.unread_notifications || room.unread_highlights) {
      const updated = { ...room, unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
      this.store.rooms.save(updated);
      this.broadcast('sync_complete', { rooms: { [roomId]: { meta: updated } } });
    }
    return true;
  }

  /** Media for a host to serve to the renderer (see src/shared/rpc/media.ts). */
  fetchMedia(req: MediaRequest): Promise<MediaResponse> {
    if (!this.session) {
      return Promise.resolve({ status: 503, contentType: 'text/plain; charset=utf-8', body: Buffer.from('not logged in'), error: 'not logged in' });
    }
    return this.session.media.fetch(req);
  }

  // --- Lifecycle -------------------------------------------------------------------------------------------

  async close(): Promise<void> {
    for (const c of this.conns) c.dispatcher.close();
    this.conns.clear();
    const s = this.session;
    this.session = undefined;
    if (s) {
      s.sender.stop();
      await s.sync.stop();
    }
    this.store.close();
  }
}

function safeSend(send: EnvelopeSink, env: Envelope, logger: Logger): void {
  try {
    send(env);
  } catch (e) {
    logger.warn(`could not deliver ${env.command}: ${e instanceof Error ? e.message : String(e)}`, { request_id: env.request_id });
  }
}
