/**
 * End-to-end encryption endpoints: what the crypto engine's outgoing requests go to. Bodies arrive as the JSON text
 * the engine wrote and answers go back to it as JSON text, so nothing here looks inside the keys.
 */
import { enc, type MatrixHttp } from '../http.ts';

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

  private post(path: string, body: string, signal?: AbortSignal) {
    return this.json('POST', path, body, signal);
  }
  private async json(method: string, path: string, body: string, signal?: AbortSignal, query?: Record<string, string>): Promise<string> {
    const resp = await this.http.request<unknown>(method, path, { body: JSON.parse(body) as unknown, signal, query });
    return JSON.stringify(resp ?? {});
  }
}
