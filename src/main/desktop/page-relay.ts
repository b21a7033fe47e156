/**
 * One page's connection to the backend, as the shell relays it over IPC. Kept apart from the lifecycle glue: the
 * rules about reloads and stale connections are the subtle part of the relay.
 */
import type { WebContents } from 'electron';
import type { Envelope } from '../../shared/rpc/index.ts';
import type { BackendConnection, BackendHost } from '../backend/rpc/connection.ts';
import { dataText, envelopeText } from '../host/serialized-envelope.ts';
import { RPC_CHANNEL } from './channels.ts';

/**
 * One page's connection to the backend. Each page load gets its own, closed when the page goes away, so the
 * backend never answers a reloaded page's requests with the previous page's ids.
 */
export class PageRelay {
  private readonly wc: WebContents;
  private readonly backend: () => Promise<BackendHost | null>;
  private conn: Promise<BackendConnection | null> | null = null;
  private generation = 0;
  /** The generation that was live when the last main-frame navigation started. */
  private generationAtNavigationStart: number | null = null;

  constructor(wc: WebContents, backend: () => Promise<BackendHost | null>) {
    this.wc = wc;
    this.backend = backend;
  }

  open(): void {
    this.close();
    const gen = ++this.generation;
    const wc = this.wc;
    // The sink checks the generation so nothing from a replaced connection reaches the next page, even in the
    // moment between deciding to close and the worker learning of it.
    this.conn = this.backend().then((b) => b && b.connect((env: Envelope) => {
      if (this.generation !== gen || this.conn === null || wc.isDestroyed()) return;
      // An envelope from the worker goes on as the JSON text it came in (the preload parses it): the main thread
      // never rebuilds a large sync_complete as objects only for IPC to copy it again.
      wc.send(RPC_CHANNEL, dataText(env) !== undefined ? envelopeText(env) : env);
    }));
  }

  receive(raw: unknown): void {
    if (!this.conn) this.open();
    // Chained on one promise, so envelopes reach the backend in the order the page sent them.
    void this.conn!.then((c) => c?.receive(raw));
  }

  close(): void {
    const conn = this.conn;
    if (!conn) return;
    this.conn = null;
    this.generation++;
    void conn.then((c) => c?.close());
  }

  navigationStarted(): void {
    this.generationAtNavigationStart = this.conn ? this.generation : null;
  }

  /**
   * A new document replaced the page. Closes the connection only if it predates the navigation: if the new
   * page already opened its own, that one stays.
   */
  navigationCommitted(): void {
    if (this.conn && this.generation === this.generationAtNavigationStart) this.close();
    this.generationAtNavigationStart = null;
  }
}
