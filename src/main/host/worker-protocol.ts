/**
 * Messages between the thread that owns the windows/sockets and the backend's worker thread. Envelopes from
 * several frontends share one worker, so each carries the id of its connection; services one thread offers the
 * other are requests and replies of WorkerRpc, typed by the two service maps below.
 *
 * The keychain is used from the host thread, never from the worker: libsecret registers GObject types once per
 * process, so a keytar loaded by a worker that later exits leaves the next worker's keytar hanging. The host also
 * opens Electron's safeStorage fallback there, so the worker sees every secret store through `secret.*`.
 */
import type { MediaMessageContent } from '../../shared/rpc/commands.ts';
import type { MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import type { LogLevel, LogRecord } from '../backend/log/logger.ts';
import type { DataPaths } from '../backend/paths.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';
import type { SenderTiming } from '../backend/send/sender.ts';
import type { EnvelopeWire } from './serialized-envelope.ts';
import type { UploadParams } from './upload-core.ts';
import type { RpcMessage } from './worker-rpc.ts';

/** What the worker learns about the host's secret store: which one it is, or why there is none. */
export type SecretStoreInfo =
  | { ok: true; kind: SecretStore['kind']; description: string }
  | { ok: false; error: string };

export interface WorkerOptions {
  paths: DataPaths;
  secrets: SecretStoreInfo;
  /** The lowest level the worker sends to the host's log. */
  logLevel: LogLevel;
  /** The host answers `proxy.resolve` (the desktop app: the system's proxy settings); otherwise the environment only. */
  systemProxy?: boolean;
  /** Outbox retry timing (tests shorten it). */
  sender?: SenderTiming;
  /** get_server_support's bound (BackendOptions.serverSupportWithinMs; tests shorten it). */
  serverSupportWithinMs?: number;
}

/** What the host thread serves to the worker. */
export type HostServices = {
  'secret.get': { params: { key: string }; reply: string | null };
  'secret.set': { params: { key: string; value: string }; reply: null };
  'secret.delete': { params: { key: string }; reply: null };
  /** How far upload `uploadId` (a `media.upload` request) has gone, 0 to 1. */
  'media.upload-progress': { params: { uploadId: number; fraction: number }; reply: null };
  /** The proxies to try for a URL by the system's settings, in PAC form ("PROXY host:port; DIRECT"). */
  'proxy.resolve': { params: { url: string }; reply: string };
};

/** What the worker serves to the host thread. */
export type WorkerServices = {
  /** Media for the renderer, fetched with the account's token (see src/shared/rpc/media.ts). */
  'media.fetch': { params: MediaRequest; reply: MediaResponse };
  /**
   * Uploads the file the host wrote at `file` (a private temporary file the host deletes afterwards): the worker
   * reads it itself, so the bytes never cross the port. Answers with the m.room.message content to send.
   */
  'media.upload': { params: { uploadId: number; file: string; params: UploadParams }; reply: MediaMessageContent };
  /** The homeserver's upload limit in bytes (null: it names none), for the host to refuse a body early. */
  'media.upload-limit': { params: null; reply: number | null };
  /** Stops the sync loop and closes the database; the reply says it is safe to end the thread. */
  'shutdown': { params: null; reply: null };
};

export type ToWorker =
  | { t: 'open'; conn: number }
  | { t: 'msg'; conn: number; env: unknown }
  | { t: 'close'; conn: number }
  | RpcMessage;

export type FromWorker =
  | { t: 'ready' }
  | { t: 'fatal'; error: string }
  /** An envelope for one connection, its data already JSON text (serialized-envelope.ts). */
  | { t: 'msg'; conn: number; env: EnvelopeWire }
  /** A line for the host's log (the host owns the log files, so the two threads never write one file at once). */
  | { t: 'log'; record: LogRecord }
  | RpcMessage;
