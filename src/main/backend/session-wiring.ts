/**
 * A signed-in session's parts, made and wired together: the encryption engine, the sync loop, media (fetching,
 * decrypting, uploading), link previews and the outbox. What they report goes through `SessionHost` to the backend,
 * which tells its frontends; the backend starts, tracks and ends sessions (backend.ts), this only builds one.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { ClientState, EventName, EventPayloads, JSONObject, SyncStatus } from '../../shared/rpc/index.ts';
import type { BackendOptions } from './backend.ts';
import type { CommandContext, OwnProfile, Session } from './commands/context.ts';
import { refreshRules } from './commands/notifications.ts';
import { CryptoSession } from './crypto/crypto-session.ts';
import { fetchDecrypted } from './crypto/encrypted-media.ts';
import type { Logger } from './log/logger.ts';
import { MatrixClient } from './matrix/client.ts';
import { NO_ATTACHMENT_CRYPTO, type AttachmentCrypto } from './media/attachment-crypto.ts';
import { MediaFetchError, MediaFetcher } from './media/media-fetcher.ts';
import { MediaUploader } from './media/media-uploader.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { LinkPreviewFetcher } from './send/link-preview-fetcher.ts';
import { Sender } from './send/sender.ts';
import type { Store } from './store/store.ts';
import { AccountDataFence } from './sync/account-data-fence.ts';
import { SyncLoop } from './sync/sync-loop.ts';

/** What a session's parts need of the backend. */
export interface SessionHost {
  readonly opts: BackendOptions;
  readonly logger: Logger;
  readonly secrets: SecretStore | undefined;
  /** The database now (a sign-out with a reset replaces it). */
  store(): Store;
  /** The backend's session now: a part of an ended session tells nothing more. */
  current(): Session | undefined;
  broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void;
  clientState(): ClientState;
  commandContext(): CommandContext;
  attachmentCrypto(): AttachmentCrypto | undefined;
  syncStatusChanged(status: SyncStatus): void;
  initialSyncDone(): void;
  sessionEnded(reason: string | undefined, keepData: boolean): void;
}

export interface SessionLogin {
  homeserverUrl: string;
  userId: string;
  deviceId: string;
  token: string;
  profile?: OwnProfile;
}

/** Builds a session's parts, wired to `host`; nothing runs until the caller starts its sync loop and outbox. */
export function buildSession(host: SessionHost, { homeserverUrl, userId, deviceId, token, profile }: SessionLogin): Session {
  const { opts, logger } = host;
  const store = host.store();
  const client = new MatrixClient(homeserverUrl, token, opts.fetch);
  const crypto = host.secrets && new CryptoSession({
    dataDir: opts.paths.data, secrets: host.secrets, userId, deviceId, client, store: () => host.store(), logger,
    onEventsDecrypted: (d) => host.broadcast('events_decrypted', d),
    onRoomsChanged: (diff) => host.broadcast('sync_complete', diff),
    onVerificationChange: () => { if (host.current()?.crypto === crypto) host.broadcast('client_state', host.clientState()); },
    onVerification: (flow) => host.broadcast('verification_update', flow),
    onIdentityUpdate: (u) => host.broadcast('user_identity_update', u),
    onRestore: (p) => host.broadcast('key_backup_restore', p),
    // What should be answered at once is bounded alike for the sync loop and these questions.
    answerWithinMs: opts.sync?.answerWithinMs,
    recheckMs: opts.encryptionRecheckMs,
  });
  const accountData = new AccountDataFence();
  const sync = new SyncLoop({
    ...opts.sync,
    client, store, userId, fence: accountData,
    onStaleAccountData: (type) => {
      if (type !== 'm.push_rules' || host.current() !== session) return;
      refreshRules(host.commandContext(), session).catch((e: unknown) =>
        logger.warn(`could not read the push rules again: ${errorMessage(e)}`));
    },
    prepare: crypto && ((resp) => crypto.prepareSync(resp)),
    onSyncComplete: (diff) => host.broadcast('sync_complete', diff),
    onTyping: (t) => host.broadcast('typing', t),
    onPresence: (p) => host.broadcast('presence', p),
    ownPresence: () => host.current()?.presence ?? 'online',
    onToDevice: (events) => { if (host.current()?.listenToDevice) forwardToDevice(host, events); },
    onStatus: (s) => {
      host.syncStatusChanged(s);
      // The homeserver answers again: the outbox need not wait out its backoff.
      if (s.type === 'ok') sender.wake();
    },
    onInitialSync: () => host.initialSyncDone(),
    onSessionEnded: (reason, soft) => host.sessionEnded(reason, soft),
  });
  const media = new MediaFetcher(client, opts.paths.cache);
  media.decrypt = (req) => {
    const cipher = host.attachmentCrypto();
    if (!cipher) return Promise.reject(new MediaFetchError(501, NO_ATTACHMENT_CRYPTO));
    return fetchDecrypted(req, { fetcher: media, cache: media.cache, store: () => host.store(), crypto: cipher });
  };
  const uploader = new MediaUploader(client, media.cache, () => host.attachmentCrypto());
  const previews = new LinkPreviewFetcher(client, { media, uploader });
  const sender = new Sender(client, store, userId, (c) => host.broadcast('send_complete', c), {
    logger, ...opts.sender,
    seal: crypto && (async (roomId, type, content) => host.store().rooms.get(roomId)?.encryption_event
      ? { type: 'm.room.encrypted', content: await crypto.encrypt(roomId, type, content) }
      : { type, content }),
    fetchPreview: (url, encrypt, signal) => previews.get(url, encrypt, signal),
    // Its previews came (or its time was up): every frontend shows the echo as it will go.
    onEchoChanged: (echo) => host.broadcast('sync_complete', { rooms: { [echo.room_id]: { events: [echo] } } }),
  });
  const session: Session = {
    client, userId, deviceId, homeserverUrl, sync, sender, media, uploader, previews, listenToDevice: false, presence: 'online',
    crypto, profile: profile ?? {}, accountData,
  };
  return session;
}

/**
 * To-device events for frontends that asked (listen_to_device), in gomuks' shape: sender, type, content and
 * whether it arrived encrypted. Encrypted ones wait for the encryption work, which can decrypt them.
 */
function forwardToDevice(host: SessionHost, events: JSONObject[]): void {
  const plain = events.filter((e) => typeof e.type === 'string' && e.type !== 'm.room.encrypted' && typeof e.sender === 'string')
    .map((e) => ({ sender: e.sender, type: e.type, content: e.content ?? {}, encrypted: false }));
  if (plain.length) host.broadcast('sync_complete', { to_device: plain });
}
