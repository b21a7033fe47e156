/** Profiles (any user's; our own fields) and the rooms we share with someone (MSC2666). */
import { enc, type MatrixHttp } from '../http.ts';
import { isUnrecognized } from './membership.ts';
import type { JSONObject, JSONValue } from '../../../../shared/rpc/index.ts';

export class ProfileApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  get(userId: string, signal?: AbortSignal) {
    // No 429 retry, as gomuks: a profile card should say "unavailable" rather than hang.
    return this.http.request<JSONObject>('GET', `/_matrix/client/v3/profile/${enc(userId)}`, { signal, rateLimitRetries: 0 });
  }
  /** PUT /profile/{userId}/{field} with `{field: value}` (displayname, avatar_url, or any extended field). */
  setField(userId: string, field: string, value: JSONValue) {
    return this.http.request<object>('PUT', `/_matrix/client/v3/profile/${enc(userId)}/${enc(field)}`, { body: { [field]: value } });
  }
  /** One page of the rooms shared with `userId` (MSC2666: the v1 path, then the older unstable one). */
  async mutualRooms(userId: string, from?: string, signal?: AbortSignal): Promise<{ joined?: string[]; next_batch?: string }> {
    const opts = { query: { user_id: userId, from }, signal, rateLimitRetries: 0 };
    try {
      return await this.http.request('GET', '/_matrix/client/v1/mutual_rooms', opts);
    } catch (e) {
      if (!isUnrecognized(e)) throw e;
      return this.http.request('GET', '/_matrix/client/unstable/uk.half-shot.msc2666/user/mutual_rooms', opts);
    }
  }
}
