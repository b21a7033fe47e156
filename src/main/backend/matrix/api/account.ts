/** Endpoints about the signed-in account itself (whoami; account data and profile as they come). */
import type { MatrixHttp } from '../http.ts';

export class AccountApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  whoami(signal?: AbortSignal) {
    return this.http.request<{ user_id: string; device_id?: string }>('GET', '/_matrix/client/v3/account/whoami', { signal });
  }
}
