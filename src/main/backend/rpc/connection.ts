import type { Envelope } from '../../../shared/rpc/index.ts';

/** Where the backend writes envelopes for one connected frontend. */
export type EnvelopeSink = (env: Envelope) => void;

/** One connected frontend (a window, a websocket). */
export interface BackendConnection {
  /** Hands the backend one raw incoming message; it is validated there, never trusted. */
  receive(raw: unknown): void;
  close(): void;
}

/** Anything frontends can connect to: the backend itself, or a proxy to it in a worker thread. */
export interface BackendHost {
  connect(send: EnvelopeSink): BackendConnection;
}
