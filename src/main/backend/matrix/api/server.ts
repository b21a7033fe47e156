/**
 * Facts about the homeserver: spec versions, capabilities, the media repository's limits, TURN and MatrixRTC
 * transports, URL previews, and OpenID tokens for outside services.
 */
import type { MatrixHttp } from '../http.ts';
import { isUnrecognized } from './membership.ts';
import type { JSONObject } from '../../../../shared/rpc/index.ts';

export class ServerApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  versions(signal?: AbortSignal) {
    return this.http.request<JSONObject>('GET', '/_matrix/client/versions', { signal });
  }
  capabilities(signal?: AbortSignal) {
    return this.http.request<JSONObject>('GET', '/_matrix/client/v3/capabilities', { signal });
  }
  /** Authenticated media's config (spec v1.11), or the old media path on servers from before it. */
  async mediaConfig(signal?: AbortSignal): Promise<JSONObject> {
    try {
      return await this.http.request<JSONObject>('GET', '/_matrix/client/v1/media/config', { signal });
    } catch (e) {
      if (!isUnrecognized(e)) throw e;
      return this.http.request<JSONObject>('GET', '/_matrix/media/v3/config', { signal });
    }
  }
  turnServer(signal?: AbortSignal) {
    return this.http.request<JSONObject>('GET', '/_matrix/client/v3/voip/turnServer', { signal });
  }
  /** MatrixRTC transports: the stable endpoint, then MSC4143's unstable one. */
  async rtcTransports(signal?: AbortSignal): Promise<JSONObject> {
    try {
      return await this.http.request<JSONObject>('GET', '/_matrix/client/v1/rtc/transports', { signal });
    } catch (e) {
      if (!isUnrecognized(e)) throw e;
      return this.http.request<JSONObject>('GET', '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports', { signal });
    }
  }
  urlPreview(url: string, signal?: AbortSignal) {
    return this.http.request<JSONObject>('GET', '/_matrix/client/v1/media/preview_url', { query: { url }, signal, rateLimitRetries: 0 });
  }
  openIdToken(userId: string) {
    return this.http.request<JSONObject>('POST', `/_matrix/client/v3/user/${encodeURIComponent(userId)}/openid/request_token`, { body: {} });
  }
}
