import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { LatticeBridge } from './bridge.ts';
import { Listeners, type Transport, type TransportStatus } from './transport.ts';

/**
 * Electron IPC through the preload bridge. The main process owns the connection's life, so from here it is
 * open as soon as we listen, and never reconnects.
 */
export class IpcTransport implements Transport {
  private readonly messages = new Listeners<Envelope>();
  private readonly statuses = new Listeners<TransportStatus>();
  private unsubscribe: (() => void) | null = null;
  private current: TransportStatus = { state: 'connecting' };
  private readonly bridge: LatticeBridge;

  constructor(bridge: LatticeBridge) {
    this.bridge = bridge;
  }

  get status(): TransportStatus {
    return this.current;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.bridge.onMessage((env) => this.messages.emit(env));
    this.setStatus({ state: 'open' });
  }

  send(env: Envelope): void {
    if (this.current.state !== 'open') throw new Error('Not connected to the Lattice backend');
    this.bridge.send(env);
  }

  onMessage(cb: (env: Envelope) => void): () => void {
    return this.messages.add(cb);
  }

  onStatus(cb: (status: TransportStatus) => void): () => void {
    return this.statuses.add(cb);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.setStatus({ state: 'closed', reason: 'closed', retryAt: null });
  }

  private setStatus(status: TransportStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }
}
