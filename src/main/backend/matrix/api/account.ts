/**
 * Endpoints about the signed-in account itself: whoami, account data (global and per room, room tags), to-device
 * messages, its devices (list, rename, sign out), and the account's password and deactivation.
 */
import { enc, type MatrixHttp } from '../http.ts';
import type { JSONObject, JSONValue } from '../../../../shared/rpc/index.ts';

function isObject(v: JSONValue | undefined): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
  /**
   * Global account data, or a room's when `roomId` is given. A room's m.tag goes through the tags API instead: the
   * spec manages tags there, and servers keep them apart (Synapse's sync sends the tags table's m.tag and then any
   * m.tag account data, so tags written as account data would hide every later change another client makes).
   */
  setAccountData(userId: string, type: string, content: JSONObject, roomId?: string) {
    if (roomId && type === 'm.tag') return this.setTags(userId, roomId, content);
    const room = roomId ? `/rooms/${enc(roomId)}` : '';
    return this.http.request<object>('PUT', `/_matrix/client/v3/user/${enc(userId)}${room}/account_data/${enc(type)}`, { body: content });
  }
  /** The account's devices (GET /devices). */
  devices(signal?: AbortSignal) {
    return this.http.request<{ devices?: unknown }>('GET', '/_matrix/client/v3/devices', { signal });
  }

  /** PUT /devices/{deviceId}: the device's public display name. */
  renameDevice(deviceId: string, displayName: string, signal?: AbortSignal) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/devices/${enc(deviceId)}`, { body: { display_name: displayName }, signal });
  }
  /** POST /delete_devices; `auth` answers the server's user-interactive auth when it asks for it. */
  deleteDevices(deviceIds: string[], auth?: JSONObject, signal?: AbortSignal) {
    return this.http.request<object>('POST', '/_matrix/client/v3/delete_devices', {
      body: { devices: deviceIds, ...(auth ? { auth } : {}) }, signal, rateLimitRetries: 0,
    });
  }

  /**
   * POST /account/password. `logoutDevices` signs every other session out (the spec keeps the requesting token);
   * sent always, since a server's default when it is left out is to sign them out.
   */
  changePassword(newPassword: string, logoutDevices: boolean, auth?: JSONObject, signal?: AbortSignal) {
    return this.http.request<object>('POST', '/_matrix/client/v3/account/password', {
      body: { new_password: newPassword, logout_devices: logoutDevices, ...(auth ? { auth } : {}) }, signal, rateLimitRetries: 0,
    });
  }
  /** POST /account/deactivate; `erase` asks the server to forget the messages sent (hidden from those who join later). */
  deactivate(erase: boolean, auth?: JSONObject, signal?: AbortSignal) {
    return this.http.request<{ id_server_unbind_result?: string }>('POST', '/_matrix/client/v3/account/deactivate', {
      body: { erase, ...(auth ? { auth } : {}) }, signal, rateLimitRetries: 0,
    });
  }

  /** Makes the room's tags those of an m.tag content (`{tags: {name: {order?}}}`): puts new or changed ones, deletes the rest. */
  private async setTags(userId: string, roomId: string, content: JSONObject): Promise<object> {
    const base = `/_matrix/client/v3/user/${enc(userId)}/rooms/${enc(roomId)}/tags`;
    const wanted = isObject(content.tags) ? content.tags : {};
    const { tags: current = {} } = await this.http.request<{ tags?: Record<string, unknown> }>('GET', base);
    for (const [tag, value] of Object.entries(wanted)) {
      const body = isObject(value) ? value : {};
      if (JSON.stringify(current[tag]) !== JSON.stringify(body)) await this.http.request<object>('PUT', `${base}/${enc(tag)}`, { body });
    }
    for (const tag of Object.keys(current)) {
      if (!(tag in wanted)) await this.http.request<object>('DELETE', `${base}/${enc(tag)}`);
    }
    return {};
  }
  /** PUT /sendToDevice/{type}/{txnId}; `messages` is user ID → device ID (or `*`) → content. */
  sendToDevice(type: string, txnId: string, messages: JSONObject) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/sendToDevice/${enc(type)}/${enc(txnId)}`, { body: { messages } });
  }
}
