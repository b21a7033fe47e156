/** Room upgrades (POST /rooms/{id}/upgrade); joining and state are in membership.ts and room-actions.ts. */
import { enc, type MatrixHttp } from '../http.ts';

export class RoomAdminApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  upgrade(roomId: string, newVersion: string, signal?: AbortSignal) {
    return this.http.request<{ replacement_room: string }>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/upgrade`,
      { body: { new_version: newVersion }, signal, rateLimitRetries: 0 });
  }
}
