/** Room endpoints that read: history, members, state; and read markers. */
import { enc, type MatrixHttp } from '../http.ts';
import type * as M from '../types.ts';

export interface MessagesParams {
  from?: string;
  dir: 'b' | 'f';
  limit: number;
  filter?: string;
}

export type ReadMarkers = { 'm.read'?: string; 'm.read.private'?: string; 'm.fully_read'?: string };

export class RoomsApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  messages(roomId: string, params: MessagesParams, signal?: AbortSignal) {
    return this.http.request<M.RespMessages>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, {
      query: { from: params.from, dir: params.dir, limit: params.limit, filter: params.filter }, signal,
    });
  }
  members(roomId: string, atToken?: string, signal?: AbortSignal) {
    return this.http.request<{ chunk: M.ClientEvent[] }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/members`, {
      query: { at: atToken }, signal,
    });
  }
  roomState(roomId: string, signal?: AbortSignal) {
    return this.http.request<M.ClientEvent[]>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`, { signal });
  }
  setReadMarkers(roomId: string, body: ReadMarkers) {
    return this.http.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/read_markers`, { body });
  }
}
