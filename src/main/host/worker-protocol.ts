/**
 * Messages between the thread that owns the windows/sockets and the backend's worker thread. Envelopes from
 * several frontends share one worker, so each carries the id of its connection.
 *
 * The keychain is used from the host thread, never from the worker: libsecret registers GObject types once per
 * process, so a keytar loaded by a worker that later exits leaves the next worker's keytar hanging.
 */
import type { Envelope, MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import type { DataPaths } from '../backend/paths.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';

/** What the worker learns about the host's secret store: which one it is, or why there is none. */
export type SecretStoreInfo =
  | { ok: true; kind: SecretStore['kind']; description: string }
  | { ok: false; error: string };

export interface WorkerOptions {
  paths: DataPaths;
  secrets: SecretStoreInfo;
}

export type SecretOp = 'get' | 'set' | 'delete';

export type ToWorker =
  | { t: 'open'; conn: number }
  | { t: 'msg'; conn: number; env: unknown }
  | { t: 'close'; conn: number }
  | { t: 'shutdown' }
  | { t: 'media'; id: number; req: MediaRequest }
  | { t: 'secret-reply'; id: number; ok: boolean; value?: string | null; error?: string };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'fatal'; error: string }
  | { t: 'msg'; conn: number; env: Envelope }
  | { t: 'stopped' }
  | { t: 'media-reply'; id: number; res: MediaResponse }
  | { t: 'secret'; id: number; op: SecretOp; key: string; value?: string };
