/**
 * End-to-end encryption endpoints: what the crypto engine's outgoing requests go to. Bodies arrive as the JSON text
 * the engine wrote and answers go back to it as JSON text, so nothing here looks inside the keys.
 */
import { enc, type MatrixHttp } from '../http.ts';
import { MatrixError } from '../errors.ts';

/** GET /room_keys/version: the server's current key backup. */
export interface BackupVersionInfo {
  algorithm: string;
  auth_data: { public_key?: string; signatures?: Record<string, Record<string, string>> } & Record<string, unknown>;
  version: string;
  count?: number;
  etag?: string;
}

/** One session in the backup, still encrypted for the backup key. */
export type BackedUpSession = { session_data?: { ephemeral?: string; mac?: string; ciphertext?: string } } & Record<string, unknown>;

/** GET /room_keys/keys: every backed-up session, by room and session ID. */
export interface BackedUpRoomKeys {
  rooms?: Record<string, { sessions?: Record<string, BackedUpSession> }>;
}

export class CryptoApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  keysUpload(body: string, signal?: AbortSignal) {
    return this.post('/_matrix/client/v3/keys/upload', body, signal);
  }
  keysQuery(body: string, signal?: AbortSignal) {
    return this.post('/_matrix/client/v3/keys/query', body, signal);
  }
  keysClaim(body: string, signal?: AbortSignal) {
    return this.post('/_matrix/client/v3/keys/claim', body, signal);
  }
  signaturesUpload(body: string, signal?: AbortSignal) {
    return this.post('/_matrix/client/v3/keys/signatures/upload', body, signal);
  }
  /** The transaction ID comes from the engine, so a retry after a lost answer is deduplicated by the server. */
  sendToDevice(eventType: string, txnId: string, body: string, signal?: AbortSignal) {
    return this.json('PUT', `/_matrix/client/v3/sendToDevice/${enc(eventType)}/${enc(txnId)}`, body, signal);
  }
  roomMessage(roomId: string, eventType: string, txnId: string, body: string, signal?: AbortSignal) {
    return this.json('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(eventType)}/${enc(txnId)}`, body, signal);
  }
  backupKeys(version: string, body: string, signal?: AbortSignal) {
    return this.json('PUT', '/_matrix/client/v3/room_keys/keys', body, signal, { version });
  }

  /** POST /keys/device_signing/upload; `auth` answers the server's user-interactive auth when it asks for it. */
  uploadSigningKeys(body: string, auth?: object, signal?: AbortSignal) {
    const payload = { ...(JSON.parse(body) as object), ...(auth ? { auth } : {}) };
    return this.http.request<object>('POST', '/_matrix/client/v3/keys/device_signing/upload', { body: payload, signal });
  }
  /** The current key backup, or null when the account has none. */
  async backupVersion(signal?: AbortSignal): Promise<BackupVersionInfo | null> {
    try {
      return await this.http.request<BackupVersionInfo>('GET', '/_matrix/client/v3/room_keys/version', { signal });
    } catch (e) {
      if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null;
      throw e;
    }
  }
  createBackupVersion(algorithm: string, authData: object, signal?: AbortSignal) {
    return this.http.request<{ version: string }>('POST', '/_matrix/client/v3/room_keys/version', { body: { algorithm, auth_data: authData }, signal });
  }
  /** One backed-up session, or null when the backup does not have it. */
  async backedUpSession(version: string, roomId: string, sessionId: string, signal?: AbortSignal): Promise<BackedUpSession | null> {
    try {
      return await this.http.request<BackedUpSession>('GET', `/_matrix/client/v3/room_keys/keys/${enc(roomId)}/${enc(sessionId)}`, { query: { version }, signal });
    } catch (e) {
      if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null;
      throw e;
    }
  }
  backedUpRoomKeys(version: string, signal?: AbortSignal) {
    return this.http.request<BackedUpRoomKeys>('GET', '/_matrix/client/v3/room_keys/keys', { query: { version }, signal });
  }

  private post(path: string, body: string, signal?: AbortSignal) {
    return this.json('POST', path, body, signal);
  }
  private async json(method: string, path: string, body: string, signal?: AbortSignal, query?: Record<string, string>): Promise<string> {
    const resp = await this.http.request<unknown>(method, path, { body: JSON.parse(body) as unknown, signal, query });
    return JSON.stringify(resp ?? {});
  }
}
