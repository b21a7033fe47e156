/**
 * The one API the preload puts on the page: `window.lattice`. Present only inside the desktop app; the renderer
 * picks the IPC transport when it exists and the websocket otherwise. Import it type-only.
 */
import type { Envelope } from '../shared/rpc/envelope.ts';

export interface LatticeBridge {
  /** Sends one envelope to the backend. Values that are not an object with a string `command` are dropped. */
  send(env: Envelope): void;
  /** Delivers every envelope from the backend to `listener`; returns a function that stops exactly this listener. */
  onMessage(listener: (env: Envelope) => void): () => void;
}

declare global {
  interface Window {
    lattice?: LatticeBridge;
  }
}
