/** Endpoints that change rooms as a whole: join, upgrade, state. */
import { enc, type MatrixHttp } from '../http.ts';

export class RoomAdminApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  join(roomIdOrAlias: string, via: string[], signal?: AbortSignal) {
    const query = new URLSearchParams();
    // server_name is the older name of via; servers before v1.12 only know it.
    for (const s of via) { query.append('via', s); query.append('server_name', s); }
    const qs = via.length ? `?${query.toString()}` : '';
    return this.http.request<{ room_id: string }>('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}${qs}`, { body: {}, signal });
  }
  upgrade(roomId: string, newVersion: string, signal?: AbortSignal) {
    return this.http.request<{ replacement_room: string }>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/upgrade`,
      { body: { new_version: newVersion }, signal, rateLimitRetries: 0 });
  }
  sendState(roomId: string, type: string, stateKey: string, content: object, signal?: AbortSignal) {
    return this.http.request<{ event_id: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { body: content, signal });
  }
}
