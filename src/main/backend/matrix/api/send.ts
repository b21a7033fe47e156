/** Endpoints that put events into rooms. */
import { enc, type MatrixHttp } from '../http.ts';

export class SendApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /**
   * The Sender retries with the same txnId itself (the server deduplicates), so no 429 retry in here. `ts` asks for
   * an origin_server_ts (the spec's application-service extension; other users' requests ignore it).
   */
  sendEvent(roomId: string, type: string, txnId: string, content: object, signal?: AbortSignal, ts?: number) {
    return this.http.request<{ event_id: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
      { body: content, signal, rateLimitRetries: 0, query: { ts } });
  }
}
