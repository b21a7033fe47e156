/**
 * HTTP to a homeserver: JSON requests and binary downloads with the token, timeouts, and the 429 retry. The one
 * place that turns HTTP failures into MatrixError/ConnectionError, so everything above deals in Matrix terms.
 */
import { ConnectionError, MatrixError } from './errors.ts';
import { fetchTransport, nodeTransport, type HttpTransport, type TransportResponse, BodyTooLarge } from './http-transport.ts';
import { sleep } from './sleep.ts';

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

/**
 * The transport every API area shares: one base URL, one token. Every call goes through Node's http modules (see
 * http-transport.ts), or through `fetchImpl` when one is given (tests inject fakes).
 */
export class MatrixHttp {
  readonly baseUrl: string;
  accessToken: string | undefined;
  private readonly transport: HttpTransport;
  /** Told whenever the server answers (see reachability.ts: a retry wait ends when the server is back). */
  private readonly reachableListeners = new Set<() => void>();

  constructor(baseUrl: string, accessToken?: string, fetchImpl?: FetchLike) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.accessToken = accessToken;
    this.transport = fetchImpl ? fetchTransport(fetchImpl) : nodeTransport;
  }

  onReachable(listener: () => void): () => void {
    this.reachableListeners.add(listener);
    return () => { this.reachableListeners.delete(listener); };
  }

  /** A cheap unauthenticated request that succeeds when the server answers (spec: GET /versions). */
  probe(signal: AbortSignal): Promise<unknown> {
    return this.requestOnce('GET', '/_matrix/client/versions', { auth: false, signal, timeoutMs: 5000 });
  }

  /** An answer below 500 comes from the homeserver itself, not from a proxy in front of a server that is down. */
  private answered(status: number): void {
    if (status >= 500) return;
    for (const listener of [...this.reachableListeners]) listener();
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
    const signal = AbortSignal.any(signals);
    let res: TransportResponse;
    try {
      res = await this.transport({ method, url, headers, signal, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      // A timeout: its reason (a TimeoutError) says so better than the aborted connection's error.
      throw new ConnectionError(url.href, signal.aborted ? signal.reason : e);
    }
    this.answered(res.status);
    const text = res.body.toString('utf8');
    const ok = res.status >= 200 && res.status < 300;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      if (!ok) throw new MatrixError(res.status, 'M_UNKNOWN', `HTTP ${res.status} ${res.statusText} from ${url.pathname}`);
      throw new MatrixError(res.status, 'M_BAD_JSON', `The server answered ${url.pathname} with something that is not JSON`);
    }
    if (!ok) {
      const body = (json ?? {}) as { errcode?: string; error?: string; retry_after_ms?: number };
      let retry = typeof body.retry_after_ms === 'number' ? body.retry_after_ms : undefined;
      const header = res.header('retry-after');
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
    const signal = AbortSignal.any(signals);
    let res: TransportResponse;
    try {
      res = await this.transport({ method: 'GET', url, headers, signal, maxBytes: opts.maxBytes });
    } catch (e) {
      if (e instanceof BodyTooLarge) throw new MatrixError(413, 'M_TOO_LARGE', `media is more than ${opts.maxBytes} bytes`);
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      throw new ConnectionError(url.href, signal.aborted ? signal.reason : e);
    }
    this.answered(res.status);
    if (res.status < 200 || res.status >= 300) {
      let body: { errcode?: string; error?: string } = {};
      try {
        body = JSON.parse(res.body.toString('utf8')) as typeof body;
      } catch { /* not JSON: the status says it */ }
      throw new MatrixError(res.status, body.errcode ?? 'M_UNKNOWN', body.error ?? `HTTP ${res.status} ${res.statusText}`);
    }
    return { contentType: res.header('content-type') ?? 'application/octet-stream', body: res.body };
  }

  /** POSTs bytes (a media upload) with the token; the JSON answer, or a MatrixError/ConnectionError. */
  async upload<T>(path: string, data: Uint8Array, opts: UploadOptions): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'Content-Type': opts.contentType };
    if (this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    const signals = [AbortSignal.timeout(10 * 60_000)];
    if (opts.signal) signals.push(opts.signal);
    const signal = AbortSignal.any(signals);
    let res: TransportResponse;
    try {
      res = await this.transport({ method: 'POST', url, headers, signal, body: data, onProgress: opts.onProgress });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      throw new ConnectionError(url.href, signal.aborted ? signal.reason : e);
    }
    this.answered(res.status);
    let json: { errcode?: string; error?: string } = {};
    try {
      json = JSON.parse(res.body.toString('utf8')) as typeof json;
    } catch { /* not JSON: the status says it */ }
    if (res.status < 200 || res.status >= 300) {
      throw new MatrixError(res.status, json.errcode ?? 'M_UNKNOWN', json.error ?? `HTTP ${res.status} ${res.statusText}`);
    }
    return json as T;
  }
}

/** A binary upload (media): the body sent from memory, `onProgress` told as its chunks go out. */
export interface UploadOptions {
  query?: RequestOptions['query'];
  contentType: string;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
}

/** A path segment: IDs and event types may contain `/`, `#`, `?` or `:`. */
export function enc(s: string): string {
  return encodeURIComponent(s);
}
