/**
 * A `fetch` for unit tests: no network, every call recorded, each answered by a routing function the test
 * writes. Answers honour the request's abort signal, as real fetch does, so cancellation paths run for real.
 */
import type { FetchLike } from '../../src/main/backend/matrix/client.ts';

export interface FakeRequest {
  method: string;
  url: URL;
  /** The parsed JSON body, if any. */
  body: unknown;
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
}

export type FakeRoute = (req: FakeRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A Matrix error answer. */
export function matrixError(status: number, errcode: string, error = errcode, extra: Record<string, unknown> = {}): Response {
  return json(status, { errcode, error, ...extra });
}

/** What a refused connection looks like from undici's fetch. */
export function connectionRefused(): never {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
}

/** A promise that settles only when the request is aborted (a server that never answers). */
export function never(req: FakeRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (req.signal?.aborted) { reject(req.signal.reason); return; }
    req.signal?.addEventListener('abort', () => reject(req.signal?.reason), { once: true });
  });
}

export class FakeFetch {
  readonly requests: FakeRequest[] = [];
  route: FakeRoute;

  constructor(route: FakeRoute) {
    this.route = route;
  }

  readonly fetch: FetchLike = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => { headers[k] = v; });
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const req: FakeRequest = {
      method: init?.method ?? 'GET',
      url,
      body: text === undefined ? undefined : JSON.parse(text) as unknown,
      headers,
      signal: init?.signal ?? undefined,
    };
    this.requests.push(req);
    if (req.signal?.aborted) throw req.signal.reason;
    return this.route(req);
  };

  /** Requests whose path starts with `prefix`. */
  to(prefix: string, method?: string): FakeRequest[] {
    return this.requests.filter((r) => r.url.pathname.startsWith(prefix) && (method === undefined || r.method === method));
  }
}
