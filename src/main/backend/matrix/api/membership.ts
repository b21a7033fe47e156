/**
 * Endpoints that change who is in a room, and that find rooms: membership (invite, kick, ban, unban, join, knock,
 * leave), room creation, aliases, room summaries (MSC3266) and space hierarchies.
 */
import { enc, type MatrixHttp } from '../http.ts';
import { MatrixError } from '../errors.ts';
import type { JSONObject } from '../../../../shared/rpc/index.ts';

export type MembershipAction = 'invite' | 'kick' | 'ban' | 'unban';

export interface HierarchyParams {
  from?: string;
  limit?: number;
  maxDepth?: number;
  suggestedOnly?: boolean;
}

export class MembershipApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** POST /rooms/{roomId}/{invite,kick,ban,unban}. `redactEvents` is MSC4293's hint on a ban. */
  change(roomId: string, action: MembershipAction, userId: string, reason?: string, redactEvents?: boolean) {
    const body: JSONObject = { user_id: userId };
    if (reason) body.reason = reason;
    if (action === 'ban' && redactEvents) body['org.matrix.msc4293.redact_events'] = true;
    return this.http.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/${action}`, { body });
  }
  join(roomIdOrAlias: string, via: string[] = [], reason?: string, signal?: AbortSignal) {
    return this.http.request<{ room_id: string }>('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}${viaQuery(via)}`, {
      body: reason ? { reason } : {}, signal,
    });
  }
  knock(roomIdOrAlias: string, via: string[] = [], reason?: string, signal?: AbortSignal) {
    return this.http.request<{ room_id: string }>('POST', `/_matrix/client/v3/knock/${enc(roomIdOrAlias)}${viaQuery(via)}`, {
      body: reason ? { reason } : {}, signal,
    });
  }
  leave(roomId: string, reason?: string) {
    return this.http.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: reason ? { reason } : {} });
  }
  /** No 429 retry: creating a room twice would leave a stray room behind if the first answer was only delayed. */
  createRoom(body: JSONObject, signal?: AbortSignal) {
    return this.http.request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', { body, signal, rateLimitRetries: 0 });
  }
  resolveAlias(alias: string, signal?: AbortSignal) {
    return this.http.request<{ room_id: string; servers?: string[] }>('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`, { signal });
  }
  createAlias(alias: string, roomId: string) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/directory/room/${enc(alias)}`, { body: { room_id: roomId } });
  }
  /** GET /rooms/{roomId}/aliases: the local aliases pointing at the room (room admins, or anyone in a public room). */
  roomAliases(roomId: string, signal?: AbortSignal) {
    return this.http.request<{ aliases?: string[] }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/aliases`, { signal });
  }
  deleteAlias(alias: string) {
    return this.http.request<object>('DELETE', `/_matrix/client/v3/directory/room/${enc(alias)}`);
  }

  /** The stable room summary (spec v1.15), or MSC3266's unstable path on servers that have only that. */
  async roomSummary(roomIdOrAlias: string, via: string[] = [], signal?: AbortSignal): Promise<JSONObject> {
    const q = viaQuery(via);
    try {
      return await this.http.request<JSONObject>('GET', `/_matrix/client/v1/room_summary/${enc(roomIdOrAlias)}${q}`, { signal });
    } catch (e) {
      if (!isUnrecognized(e)) throw e;
      return this.http.request<JSONObject>('GET',
        `/_matrix/client/unstable/im.nheko.summary/summary/${enc(roomIdOrAlias)}${q}`, { signal });
    }
  }
  hierarchy(roomId: string, p: HierarchyParams, signal?: AbortSignal) {
    return this.http.request<{ rooms?: JSONObject[]; next_batch?: string }>('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/hierarchy`, {
      query: { from: p.from, limit: p.limit, max_depth: p.maxDepth, suggested_only: p.suggestedOnly }, signal,
    });
  }
}

/** `?via=a&via=b`: the transport's query option holds one value per key, and via repeats. */
function viaQuery(via: string[]): string {
  return via.length ? `?${via.map((s) => `via=${encodeURIComponent(s)}`).join('&')}` : '';
}

/** The server does not know the endpoint (an unstable or newer path). */
export function isUnrecognized(e: unknown): boolean {
  return e instanceof MatrixError && (e.errcode === 'M_UNRECOGNIZED' || (e.status === 404 && e.errcode === 'M_UNKNOWN') || e.status === 405);
}
