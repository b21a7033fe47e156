/**
 * The renderer's `Transport` over a `BackendHost` in the same process (the backend itself, or its worker proxy),
 * so tests drive the backend through the very `RpcClient` the UI uses, without a window or a socket.
 */
import type { BackendConnection, BackendHost } from '../../src/main/backend/rpc/connection.ts';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import { Listeners, type Transport, type TransportStatus } from '../../src/renderer/api/transport.ts';

export class InProcessTransport implements Transport {
  private readonly host: BackendHost;
  private readonly messages = new Listeners<Envelope>();
  private readonly statuses = new Listeners<TransportStatus>();
  private conn: BackendConnection | null = null;
  private current: TransportStatus = { state: 'connecting' };

  constructor(host: BackendHost) {
    this.host = host;
  }

  get status(): TransportStatus {
    return this.current;
  }

  start(): void {
    if (this.conn) return;
    this.conn = this.host.connect((env) => this.messages.emit(env));
    this.setStatus({ state: 'open' });
  }

  send(env: Envelope): void {
    this.sendRaw(env);
  }

  /** Hands the backend anything at all, as a hostile or buggy frontend would. */
  sendRaw(message: unknown): void {
    if (!this.conn) throw new Error('Not connected to the Lattice backend');
    this.conn.receive(message);
  }

  onMessage(cb: (env: Envelope) => void): () => void {
    return this.messages.add(cb);
  }

  onStatus(cb: (status: TransportStatus) => void): () => void {
    return this.statuses.add(cb);
  }

  close(): void {
    const conn = this.conn;
    this.conn = null;
    conn?.close();
    this.setStatus({ state: 'closed', reason: 'closed', retryAt: null });
  }

  private setStatus(status: TransportStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }
}
