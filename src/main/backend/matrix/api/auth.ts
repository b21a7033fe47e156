/** Discovery and login endpoints: versions, login flows, login, logout. */
import type { MatrixHttp } from '../http.ts';
import type * as M from '../types.ts';

export class AuthApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  versions(signal?: AbortSignal) {
    return this.http.request<{ versions: string[] }>('GET', '/_matrix/client/versions', { auth: false, signal, timeoutMs: 15_000 });
  }
  loginFlows(signal?: AbortSignal) {
    return this.http.request<M.RespLoginFlows>('GET', '/_matrix/client/v3/login', { auth: false, signal, timeoutMs: 15_000 });
  }
  login(body: Record<string, unknown>, signal?: AbortSignal) {
    // No rate-limit retry: a person is waiting, and the error tells them how long to wait.
    return this.http.request<M.RespLogin>('POST', '/_matrix/client/v3/login', { auth: false, body, signal, rateLimitRetries: 0 });
  }
  logout() {
    return this.http.request<object>('POST', '/_matrix/client/v3/logout', { body: {}, timeoutMs: 15_000 });
  }
}
