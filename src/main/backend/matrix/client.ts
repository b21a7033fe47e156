/**
 * Typed calls to the Matrix Client-Server API. One place turns HTTP failures into MatrixError/ConnectionError,
 * so everything above deals in Matrix terms.
 */
import { ConnectionError, MatrixError } from './errors.ts';
import type * as M from './types.ts';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Milliseconds before the request is abandoned; sync passes its long-poll timeout plus a margin. */
  timeoutMs?: number;
  /** Retry M_LIMIT_EXCEEDED after the server's retry_after_ms, this many times. */
  rateLimitRetries?: number;
  auth?: boolean;
}

export type FetchLike = typeof fetch;

export class MatrixClient {
  readonly baseUrl: string;
  accessToken: string | undefined;
  private readonly fetchImpl: FetchLike;

  constructor(baseUrl: string, accessToken?: string, fetchImpl: FetchLike = fetch) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.accessToken = accessToken;
    this.fetchImpl = fetchImpl;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    let retries = opts.rateLimitRetries ?? 3;
    for (;;) {
      try {
        return await this.requestOnce<T>(method, path, opts);
      } catch (e) {
        if (e instanceof MatrixError && e.status === 429 && retries > 0 && !opts.signal?.aborted) {
          retries--;
          await sleep(Math.min(e.retryAfterMs ?? 1000, 30_000), opts.signal);
          continue;
        }
        throw e;
      }
    }
  }

  private async requestOnce<T>(method: string, path: string, opts: RequestOptions): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.auth !== false && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    const signals = [AbortSignal.timeout(opts.timeoutMs ?? 60_000)];
    if (opts.signal) signals.push(opts.signal);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method, headers, signal: AbortSignal.any(signals),
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      throw new ConnectionError(url.href, e);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      if (!res.ok) throw new MatrixError(res.status, 'M_UNKNOWN', `HTTP ${res.status} ${res.statusText} from ${url.pathname}`);
      throw new MatrixError(res.status, 'M_BAD_JSON', `The server answered ${url.pathname} with something that is not JSON`);
    }
    if (!res.ok) {
      const body = (json ?? {}) as { errcode?: string; error?: string; retry_after_ms?: number };
      let retry = typeof body.retry_after_ms === 'number' ? body.retry_after_ms : undefined;
      const header = res.headers.get('retry-after');
      if (retry === undefined && header && /^\d+$/.test(header)) retry = Number(header) * 1000;
      throw new MatrixError(res.status, body.errcode ?? 'M_UNKNOWN',
        body.error ?? `HTTP ${res.status} ${res.statusText}`, retry, json);
    }
    return json as T;
  }

  /** A binary download (media): the same error handling as JSON calls, the body as bytes, up to maxBytes. */
  async download(path: string, opts: { query?: RequestOptions['query']; auth?: boolean; signal?: AbortSignal; maxBytes: number }):
    Promise<{ contentType: string; body: Uint8Array }> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {};
    if (opts.auth !== false && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    const signals = [AbortSignal.timeout(60_000)];
    if (opts.signal) signals.push(opts.signal);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers, signal: AbortSignal.any(signals) });
    } catch (e) {
      throw new ConnectionError(url.href, e);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { errcode?: string; error?: string };
      throw new MatrixError(res.status, body.errcode ?? 'M_UNKNOWN', body.error ?? `HTTP ${res.status} ${res.statusText}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (declared > opts.maxBytes) throw new MatrixError(413, 'M_TOO_LARGE', `media is ${declared} bytes, more than ${opts.maxBytes}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
    for (;;) {
      const r = await reader?.read();
      if (!r || r.done) break;
      size += r.value.byteLength;
      if (size > opts.maxBytes) {
        await reader?.cancel();
        throw new MatrixError(413, 'M_TOO_LARGE', `media is more than ${opts.maxBytes} bytes`);
      }
      chunks.push(r.value);
    }
    return { contentType: res.headers.get('content-type') ?? 'application/octet-stream', body: Buffer.concat(chunks) };
  }

  // --- Discovery and login ---------------------------------------------------------------------------------

  versions(signal?: AbortSignal) {
    return this.request<{ versions: string[] }>('GET', '/_matrix/client/versions', { auth: false, signal, timeoutMs: 15_000 });
  }
  loginFlows(signal?: AbortSignal) {
    return this.request<M.RespLoginFlows>('GET', '/_matrix/client/v3/login', { auth: false, signal, timeoutMs: 15_000 });
  }
  login(body: Record<string, unknown>, signal?: AbortSignal) {
    return this.request<M.RespLogin>('POST', '/_matrix/client/v3/login', { auth: false, body, signal, rateLimitRetries: 0 });
  }
  logout() {
    return this.request<object>('POST', '/_matrix/client/v3/logout', { body: {}, timeoutMs: 15_000 });
  }
  whoami(signal?: AbortSignal) {
    return this.request<{ user_id: string; device_id?: string }>('GET', '/_matrix/client/v3/account/whoami', { signal });
  }

  // --- Sync ----------------------------------------------------------------------------------------------------

  createFilter(userId: string, filter: object) {
    return this.request<{ filter_id: string }>('POST', `/_matrix/client/v3/user/${enc(userId)}/filter`, { body: filter });
  }
  sync(params: { since?: string; filter?: string; timeout: number; fullState?: boolean }, signal?: AbortSignal) {
    return this.request<M.SyncResponse>('GET', '/_matrix/client/v3/sync', {
      query: { since: params.since, filter: params.filter, timeout: params.timeout, full_state: params.fullState || undefined },
      signal, timeoutMs: params.timeout + 30_000, rateLimitRetries: 0,
    });
  }

  // --- Rooms ---------------------------------------------------------------------------------------------------

  messages(roomId: string, params: { from?: string; dir: 'b' | 'f'; limit: number; filter?: string }, signal?: AbortSignal) {
    return this.request<M.RespMessages>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, {
      query: { from: params.from, dir: params.dir, limit: params.limit, filter: params.filter }, signal,
    });
  }
  sendEvent(roomId: string, type: string, txnId: string, content: object, signal?: AbortSignal) {
    return this.request<{ event_id: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`, { body: content, signal, rateLimitRetries: 0 });
  }
  members(roomId: string, atToken?: string, signal?: AbortSignal) {
    return this.request<{ chunk: M.ClientEvent[] }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/members`, {
      query: { at: atToken }, signal,
    });
  }
  roomState(roomId: string, signal?: AbortSignal) {
    return this.request<M.ClientEvent[]>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`, { signal });
  }
  setReadMarkers(roomId: string, body: { 'm.read'?: string; 'm.read.private'?: string; 'm.fully_read'?: string }) {
    return this.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/read_markers`, { body });
  }
}

export function enc(s: string): string {
  return encodeURIComponent(s);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
