/**
 * One typed request/reply channel over the worker port, used by both threads for every service one offers the
 * other (the host's keychain for the worker, the worker's media fetching for the host, and what comes next:
 * notifications, the crypto store key). A service map names each request and fixes its parameter and reply
 * types, so `request('secret.get', …)` is known to resolve to `string | null` on both ends.
 *
 * Errors cross the port as their message and come back as an `Error` with that message; when the port or the
 * worker goes away, `close()` rejects everything still waiting with a reason a person can read.
 */

import type { TransferListItem } from 'node:worker_threads';

/** A service map: request name → its parameters and its reply. */
export type ServiceMap = Record<string, { params: unknown; reply: unknown }>;

/** Requests and replies as they travel over the port (mixed in with the port's other messages). */
export type RpcMessage =
  | { t: 'rpc-request'; id: number; method: string; params: unknown }
  | { t: 'rpc-reply'; id: number; ok: true; value: unknown }
  | { t: 'rpc-reply'; id: number; ok: false; error: string };

/** How one side serves the requests of a service map. */
export type ServiceHandlers<S extends ServiceMap> = {
  [K in keyof S]: (params: S[K]['params']) => Promise<S[K]['reply']> | S[K]['reply'];
};

/** Which parts of a reply are moved to the other thread instead of copied (e.g. a media body). */
export type ReplyTransfers<S extends ServiceMap> = { [K in keyof S]?: (reply: S[K]['reply']) => TransferListItem[] };

/** Anything with `postMessage`: a Worker, a MessagePort. */
export interface PortLike {
  postMessage(value: unknown, transferList?: readonly TransferListItem[]): void;
}

function isRpcMessage(m: unknown): m is RpcMessage {
  const t = (m as { t?: unknown } | null)?.t;
  return t === 'rpc-request' || t === 'rpc-reply';
}

export class WorkerRpc<Outgoing extends ServiceMap, Incoming extends ServiceMap> {
  private readonly port: PortLike;
  private readonly handlers: ServiceHandlers<Incoming>;
  private readonly transfers: ReplyTransfers<Incoming>;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private closedReason: string | undefined;

  constructor(port: PortLike, handlers: ServiceHandlers<Incoming>, transfers: ReplyTransfers<Incoming> = {}) {
    this.port = port;
    this.handlers = handlers;
    this.transfers = transfers;
  }

  /** Asks the other thread; resolves with its reply or rejects with its error. */
  request<K extends keyof Outgoing & string>(method: K, params: Outgoing[K]['params']): Promise<Outgoing[K]['reply']> {
    if (this.closedReason !== undefined) return Promise.reject(new Error(this.closedReason));
    const id = this.nextId++;
    return new Promise<Outgoing[K]['reply']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      try {
        this.post({ t: 'rpc-request', id, method, params });
      } catch (e) {
        this.pending.delete(id);
        reject(toError(e));
      }
    });
  }

  /** Feeds a message from the port; returns false when it was not one of ours (the caller handles it). */
  receive(m: unknown): boolean {
    if (!isRpcMessage(m)) return false;
    if (m.t === 'rpc-reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
    } else {
      void this.serve(m.id, m.method, m.params);
    }
    return true;
  }

  /** Rejects every waiting request, and every later one, with `reason` (the port or the worker went away). */
  close(reason: string): void {
    this.closedReason ??= reason;
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  private async serve(id: number, method: string, params: unknown): Promise<void> {
    if (!Object.hasOwn(this.handlers, method)) {
      this.post({ t: 'rpc-reply', id, ok: false, error: `unknown request "${method}"` });
      return;
    }
    const name = method as keyof Incoming & string;
    let value: unknown;
    try {
      value = await this.handlers[name](params);
    } catch (e) {
      this.post({ t: 'rpc-reply', id, ok: false, error: toError(e).message });
      return;
    }
    if (this.closedReason !== undefined) return;
    const transfer = this.transfers[name]?.(value) ?? [];
    try {
      this.post({ t: 'rpc-reply', id, ok: true, value }, transfer);
    } catch (e) {
      // e.g. a reply that cannot be cloned: the asker still gets an answer instead of waiting forever.
      this.post({ t: 'rpc-reply', id, ok: false, error: `could not send the reply to ${method}: ${toError(e).message}` });
    }
  }

  private post(m: RpcMessage, transfer: TransferListItem[] = []): void {
    this.port.postMessage(m, transfer);
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(typeof e === 'string' ? e : 'unknown error');
}
