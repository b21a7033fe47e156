/** Endpoints about the signed-in account itself: whoami and global account data. */
import { enc, type MatrixHttp } from '../http.ts';

export class AccountApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  whoami(signal?: AbortSignal) {
    return this.http.request<{ user_id: string; device_id?: string }>('GET', '/_matrix/client/v3/account/whoami', { signal });
  }
  getAccountData(userId: string, type: string, signal?: AbortSignal) {
    return this.http.request<Record<string, unknown>>('GET', `/_matrix/client/v3/user/${enc(userId)}/account_data/${enc(type)}`, { signal });
  }
  setAccountData(userId: string, type: string, content: object, signal?: AbortSignal) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/user/${enc(userId)}/account_data/${enc(type)}`, { body: content, signal });
  }
}
