/**
 * A frontend for tests: connects to any BackendHost (the backend in-process or in a worker), sends typed
 * requests and records every event it receives so tests can wait for one.
 */
import type {
  CommandName, CommandParams, CommandResponses, Envelope, EventName, EventPayloads,
} from '../../src/shared/rpc/index.ts';
import type { BackendConnection, BackendHost } from '../../src/main/backend/rpc/connection.ts';

interface Waiter {
  match(env: Envelope): boolean;
  resolve(env: Envelope): void;
}

export class RpcTestClient {
  readonly received: Envelope[] = [];
  private readonly conn: BackendConnection;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private waiters: Waiter[] = [];

  constructor(host: BackendHost) {
    this.conn = host.connect((env) => this.onEnvelope(env));
  }

  private onEnvelope(env: Envelope): void {
    this.received.push(env);
    if ((env.command === 'response' || env.command === 'error') && env.request_id !== undefined && env.request_id > 0) {
      const p = this.pending.get(env.request_id);
      this.pending.delete(env.request_id);
      if (env.command === 'response') p?.resolve(env.data);
      else p?.reject(new Error(String(env.data)));
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(env)) return true;
      w.resolve(env);
      return false;
    });
  }

  request<C extends CommandName>(command: C, data: CommandParams<C>): Promise<CommandResponses[C]> {
    const id = this.nextId++;
    return this.requestWithId(id, command, data);
  }

  /** Sends with a known id (so a test can cancel it). */
  requestWithId<C extends CommandName>(id: number, command: C, data: CommandParams<C>): Promise<CommandResponses[C]> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      this.conn.receive({ command, request_id: id, data });
    });
  }

  /** Sends anything at all, as a hostile or buggy frontend would, and returns the reply envelope. */
  raw(message: unknown, replyId?: number, timeoutMs = 5000): Promise<Envelope | undefined> {
    this.conn.receive(message);
    if (replyId === undefined) return Promise.resolve(undefined);
    return this.waitFor((e) => e.request_id === replyId, timeoutMs, `reply to ${replyId}`).catch(() => undefined);
  }

  allocateId(): number {
    return this.nextId++;
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
    const match = (e: Envelope) => e.command === name && (e.request_id ?? 0) < 0 && pred(e.data as EventPayloads[E]);
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
    this.conn.close();
  }
}
