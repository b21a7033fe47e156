/**
 * What the shell needs from the backend it starts (BackendWorker in the app, a fake in tests).
 */
import type { MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import type { BackendHost } from '../backend/rpc/connection.ts';
import type { UploadParams } from '../host/upload-core.ts';

export interface BackendProcess extends BackendHost {
  stop(): Promise<void>;
  /** Serves `lattice://media/…`: the backend fetches with the account's token, which the page never sees. */
  fetchMedia(req: MediaRequest): Promise<MediaResponse>;
  /** For `lattice://app/_gomuks/upload`: the homeserver's upload limit, and the upload of a file the shell received. */
  maxUploadBytes(): Promise<number | undefined>;
  uploadMedia(params: UploadParams, file: string, onProgress: (fraction: number) => void): Promise<unknown>;
  onFatal: (error: string) => void;
}
