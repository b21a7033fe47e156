/**
 * A transport moves envelopes between the renderer and the backend; it knows nothing about commands. The RPC
 * client sits on top of it and the UI watches its status to say when the backend is out of reach.
 */
import type { Envelope } from '../../shared/rpc/envelope.ts';

export type TransportStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  /** Lost or failed; another attempt is scheduled `retryAt` (epoch ms) unless it is null. */
  | { state: 'closed'; reason: string; retryAt: number | null }
  /** The web host refused us: the browser has no valid session cookie. Retries continue slowly. */
  | { state: 'unauthenticated'; message: string; retryAt: number | null };

export interface Transport {
  send(env: Envelope): void;
  onMessage(cb: (env: Envelope) => void): () => void;
  onStatus(cb: (status: TransportStatus) => void): () => void;
  /** The current status, so late subscribers need not wait for the next change. */
  readonly status: TransportStatus;
  /** Opens the connection. Transports do nothing until this is called. */
  start(): void;
  /** Closes for good; no reconnects. */
  close(): void;
}

/** Small listener set shared by the transports and the RPC client. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(cb: (value: T) => void): () => void {
    this.set.add(cb);
    return () => { this.set.delete(cb); };
  }

  emit(value: T): void {
    for (const cb of [...this.set]) {
      try {
        cb(value);
      } catch (err) {
        // One broken subscriber must not stop the others from seeing the message.
        console.error('lattice: listener failed', err);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}

/**
 * Request ids are shared by the RPC client and the websocket's pings, so a ping never reuses the id of a request
 * the backend is still working on.
 */
export class RequestIds {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }
}
