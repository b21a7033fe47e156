/**
 * A frontend for tests, built on the renderer's own `RpcClient`: typed requests go through the same client the UI
 * uses, over an in-process transport (any BackendHost: the backend itself or its worker) or the renderer's
 * websocket transport. On top it records every envelope it receives so tests can wait for an event, and can send
 * malformed input as a hostile or buggy frontend would.
 */
import type { BackendHost } from '../../src/main/backend/rpc/connection.ts';
import { RpcClient, type StartedRequest } from '../../src/renderer/api/rpc-client.ts';
import { RequestIds, type Transport } from '../../src/renderer/api/transport.ts';
import type {
  CommandName, CommandParams, CommandResponses, Envelope, EventName, EventPayloads,
} from '../../src/shared/rpc/index.ts';
import { InProcessTransport } from './in-process-transport.ts';
import { nodeWebSocketTransport } from './node-websocket-transport.ts';

interface Waiter {
  match(env: Envelope): boolean;
  resolve(env: Envelope): void;
}

export class RpcTestClient {
  readonly received: Envelope[] = [];
  readonly rpc: RpcClient;
  private readonly transport: Transport;
  private readonly sendRaw: (message: unknown) => void;
  private waiters: Waiter[] = [];

  private constructor(transport: Transport, rpc: RpcClient, sendRaw: (message: unknown) => void) {
    this.transport = transport;
    this.rpc = rpc;
    this.sendRaw = sendRaw;
    // Subscribed before the RpcClient so `received` already holds an answer when its promise settles.
    transport.onMessage((env) => this.onEnvelope(env));
    rpc.start();
  }

  /** Connected to a BackendHost in this process (the backend, or its worker); usable at once. */
  static inProcess(host: BackendHost): RpcTestClient {
    const transport = new InProcessTransport(host);
    return new RpcTestClient(transport, new RpcClient(transport), (m) => { transport.sendRaw(m); });
  }

  /**
   * Through the renderer's websocket transport, e.g. to the web host (with its cookie) or the preview harness.
   * Resolves once the socket is open. `raw` sends its argument as JSON.
   */
  static async overWebSocket(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<RpcTestClient> {
    const ids = new RequestIds();
    const transport = nodeWebSocketTransport(url, { headers, ids });
    const client = new RpcTestClient(transport, new RpcClient(transport, ids), (m) => { transport.send(m as Envelope); });
    try {
      await client.opened(timeoutMs);
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  private opened(timeoutMs: number): Promise<void> {
    if (this.transport.status.state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`websocket not open after ${timeoutMs} ms (${JSON.stringify(this.transport.status)})`));
      }, timeoutMs);
      const off = this.transport.onStatus((s) => {
        // Refused for want of a session: retrying would only wait for the timeout.
        if (s.state !== 'open' && s.state !== 'unauthenticated') return;
        clearTimeout(timer);
        off();
        if (s.state === 'open') resolve();
        else reject(new Error(`websocket refused (unauthenticated): ${s.message}`));
      });
    });
  }

  private onEnvelope(env: Envelope): void {
    this.received.push(env);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(env)) return true;
      w.resolve(env);
      return false;
    });
  }

  request<C extends CommandName>(command: C, data: CommandParams<C>): Promise<CommandResponses[C]> {
    return this.rpc.request(command, data);
  }

  /** Like `request`, but also gives the request id (so a test can send `cancel` for it). */
  startRequest<C extends CommandName>(command: C, data: CommandParams<C>): StartedRequest<CommandResponses[C]> {
    return this.rpc.startRequest(command, data);
  }

  /** Sends anything at all, as a hostile or buggy frontend would, and returns the reply envelope. */
  raw(message: unknown, replyId?: number, timeoutMs = 5000): Promise<Envelope | undefined> {
    const since = this.mark();
    this.sendRaw(message);
    if (replyId === undefined) return Promise.resolve(undefined);
    // An in-process backend may have answered already, inside sendRaw.
    const match = (e: Envelope): boolean => e.request_id === replyId;
    const early = this.received.slice(since).find(match);
    if (early) return Promise.resolve(early);
    return this.waitFor(match, timeoutMs, `reply to ${replyId}`).catch(() => undefined);
  }

  events<E extends EventName>(name: E): EventPayloads[E][] {
    return this.received.filter((e) => e.command === name).map((e) => e.data as EventPayloads[E]);
  }

  /** Current position in the received log, for `waitForEvent(..., since)`. */
  mark(): number {
    return this.received.length;
  }

  /**
   * Resolves with the first matching event: among those already received from index `since` on (0: all of them;
   * false: none), or the next one to arrive.
   */
  waitForEvent<E extends EventName>(name: E, pred: (d: EventPayloads[E]) => boolean = () => true, timeoutMs = 30_000,
    since: number | false = 0): Promise<EventPayloads[E]> {
    const match = (e: Envelope): boolean => e.command === name && (e.request_id ?? 0) < 0 && pred(e.data as EventPayloads[E]);
    if (since !== false) {
      const past = this.received.slice(since).find(match);
      if (past) return Promise.resolve(past.data as EventPayloads[E]);
    }
    return this.waitFor(match, timeoutMs, name).then((e) => e.data as EventPayloads[E]);
  }

  waitFor(match: (e: Envelope) => boolean, timeoutMs: number, what: string): Promise<Envelope> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = { match, resolve: (e) => { clearTimeout(timer); resolve(e); } };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.rpc.stop();
  }
}
