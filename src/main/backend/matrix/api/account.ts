/** Endpoints about the signed-in account itself: whoami, account data (global and per room), to-device messages. */
import { enc, type MatrixHttp } from '../http.ts';
import type { JSONObject } from '../../../../shared/rpc/index.ts';

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
  /** Global account data, or a room's when `roomId` is given. */
  setAccountData(userId: string, type: string, content: JSONObject, roomId?: string) {
    const room = roomId ? `/rooms/${enc(roomId)}` : '';
    return this.http.request<object>('PUT', `/_matrix/client/v3/user/${enc(userId)}${room}/account_data/${enc(type)}`, { body: content });
  }
  /** The account's devices (GET /devices). */
  devices(signal?: AbortSignal) {
    return this.http.request<{ devices?: unknown }>('GET', '/_matrix/client/v3/devices', { signal });
  }
  /** PUT /sendToDevice/{type}/{txnId}; `messages` is user ID → device ID (or `*`) → content. */
  sendToDevice(type: string, txnId: string, messages: JSONObject) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/sendToDevice/${enc(type)}/${enc(txnId)}`, { body: { messages } });
  }
}
