/**
 * What the shell needs from the backend it starts (BackendWorker in the app, a fake in tests).
 */
import type { MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import type { BackendHost } from '../backend/rpc/connection.ts';

export interface BackendProcess extends BackendHost {
  stop(): Promise<void>;
  /** Serves `lattice://media/…`: the backend fetches with the account's token, which the page never sees. */
  fetchMedia(req: MediaRequest): Promise<MediaResponse>;
  onFatal: (error: string) => void;
}
