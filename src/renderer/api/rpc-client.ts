/**
 * Typed requests and backend events over any transport. Command names, params and results all come from the
 * shared contract, so a typo in a command or a field is a compile error here.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { CommandName, CommandParams, CommandResponses } from '../../shared/rpc/commands.ts';
import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { EventName, EventPayloads } from '../../shared/rpc/events.ts';
import { Listeners, RequestIds, type Transport, type TransportStatus } from './transport.ts';

/** Rejection of a request; `backendMessage` is set when the backend answered with `error`. */
export class RpcError extends Error {
  readonly command: string;
  readonly backendMessage: string | null;

  constructor(command: string, message: string, backendMessage: string | null) {
    super(message);
    this.name = 'RpcError';
    this.command = command;
    this.backendMessage = backendMessage;
  }
}

interface Pending {
  command: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  cleanup(): void;
}

export interface RequestOptions {
  /** Aborting rejects the promise at once and asks the backend to cancel (best effort). */
  signal?: AbortSignal;
}

export interface StartedRequest<T> {
  requestId: number;
  promise: Promise<T>;
}

export class RpcClient {
  private readonly transport: Transport;
  private readonly ids: RequestIds;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Map<string, Listeners<unknown>>();
  private readonly statusListeners = new Listeners<TransportStatus>();
  private unsubscribers: (() => void)[] = [];

  constructor(transport: Transport, ids: RequestIds = new RequestIds()) {
    this.transport = transport;
    this.ids = ids;
  }

  /** Subscribes to the transport (and starts it). Separate from the constructor so construction does no work. */
  start(): void {
    if (this.unsubscribers.length) return;
    this.unsubscribers = [
      this.transport.onMessage((env) => this.receive(env)),
      this.transport.onStatus((status) => {
        if (status.state !== 'open') this.rejectAll('Connection to the Lattice backend lost');
        this.statusListeners.emit(status);
      }),
    ];
    this.transport.start();
  }

  stop(): void {
    for (const un of this.unsubscribers) un();
    this.unsubscribers = [];
    this.transport.close();
    this.rejectAll('Connection closed');
  }

  get status(): TransportStatus {
    return this.transport.status;
  }

  onStatus(cb: (status: TransportStatus) => void): () => void {
    return this.statusListeners.add(cb);
  }

  request<C extends CommandName>(command: C, data: CommandParams<C>, opts: RequestOptions = {}): Promise<CommandResponses[C]> {
    return this.startRequest(command, data, opts).promise;
  }

  /** Like `request`, but also gives the id, for `cancel`. */
  startRequest<C extends CommandName>(command: C, data: CommandParams<C>, opts: RequestOptions = {}): StartedRequest<CommandResponses[C]> {
    const requestId = this.ids.next();
    const promise = new Promise<CommandResponses[C]>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new RpcError(command, `${command} was cancelled`, null));
        return;
      }
      const onAbort = (): void => { this.cancel(requestId, 'aborted'); };
      const entry: Pending = {
        command,
        resolve: resolve,
        reject,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
      };
      this.pending.set(requestId, entry);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.transport.send({ command, request_id: requestId, data });
      } catch (err) {
        this.settle(requestId)?.reject(new RpcError(command, errorMessage(err), null));
      }
    });
    return { requestId, promise };
  }

  /** Rejects the request locally at once and asks the backend to stop it. */
  cancel(requestId: number, reason?: string): void {
    const entry = this.settle(requestId);
    if (!entry) return;
    entry.reject(new RpcError(entry.command, `${entry.command} was cancelled`, null));
    try {
      this.transport.send({ command: 'cancel', request_id: this.ids.next(), data: reason ? { request_id: requestId, reason } : { request_id: requestId } });
    } catch {
      // Not connected: nothing is running on the backend for us either.
    }
  }

  on<E extends EventName>(event: E, cb: (data: EventPayloads[E]) => void): () => void {
    let set = this.eventListeners.get(event);
    if (!set) {
      set = new Listeners<unknown>();
      this.eventListeners.set(event, set);
    }
    return set.add(cb as (data: unknown) => void);
  }

  private receive(env: Envelope): void {
    const id = env.request_id;
    if (env.command === 'response' || env.command === 'error') {
      if (typeof id !== 'number') return;
      const entry = this.settle(id);
      // Answers to cancelled requests (and to cancel itself) land here with no entry.
      if (!entry) return;
      if (env.command === 'response') {
        entry.resolve(env.data);
      } else {
        const message = typeof env.data === 'string' && env.data !== '' ? env.data : 'unknown error';
        entry.reject(new RpcError(entry.command, message, message));
      }
      return;
    }
    this.eventListeners.get(env.command)?.emit(env.data);
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    entry.cleanup();
    return entry;
  }

  private rejectAll(message: string): void {
    for (const id of [...this.pending.keys()]) {
      const entry = this.settle(id);
      entry?.reject(new RpcError(entry.command, message, null));
    }
  }
}
