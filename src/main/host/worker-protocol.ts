/**
 * Messages between the thread that owns the windows/sockets and the backend's worker thread. Envelopes from
 * several frontends share one worker, so each carries the id of its connection.
 */
import type { Envelope } from '../../shared/rpc/index.ts';
import type { DataPaths } from '../backend/paths.ts';

export interface WorkerOptions {
  paths: DataPaths;
  /** The user explicitly allowed secrets in a 0600 file when no OS keychain works. */
  insecureSecretsFile?: boolean;
  /** The host can encrypt with Electron's safeStorage (only the Electron main thread can). */
  safeStorageAvailable?: boolean;
}

export type SafeStorageOp = 'isAvailable' | 'encrypt' | 'decrypt';

export type ToWorker =
  | { t: 'open'; conn: number }
  | { t: 'msg'; conn: number; env: unknown }
  | { t: 'close'; conn: number }
  | { t: 'shutdown' }
  | { t: 'safe-storage-reply'; id: number; ok: boolean; value?: string | Uint8Array | boolean; error?: string };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'fatal'; error: string }
  | { t: 'msg'; conn: number; env: Envelope }
  | { t: 'stopped' }
  | { t: 'safe-storage'; id: number; op: SafeStorageOp; arg?: string | Uint8Array };
