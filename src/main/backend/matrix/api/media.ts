/** Media endpoints: authenticated media (spec v1.11) and the old unauthenticated ones for servers without it. */
import { enc, type MatrixHttp, type RequestOptions, type UploadOptions } from '../http.ts';
import { MatrixError } from '../errors.ts';

export type MediaKind = 'download' | 'thumbnail';

export interface MediaDownloadOptions {
  query?: RequestOptions['query'];
  maxBytes: number;
  signal?: AbortSignal;
}

export class MediaApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** `/_matrix/client/v1/media/…`, with the account's token. */
  download(kind: MediaKind, server: string, mediaId: string, opts: MediaDownloadOptions) {
    return this.http.download(`/_matrix/client/v1/media/${kind}/${enc(server)}/${enc(mediaId)}`, opts);
  }
  /** Uploads bytes; the answer's `content_uri` is the mxc:// URI. (Upload has no v1 endpoint: v3 is current.) */
  upload(data: Uint8Array, filename: string | undefined, opts: UploadOptions) {
    return this.http.upload<{ content_uri?: string }>('/_matrix/media/v3/upload', data, { ...opts, query: { filename } });
  }
  /** The media repository's configuration (`m.upload.size`), authenticated, else from before authenticated media. */
  async config(signal?: AbortSignal): Promise<{ 'm.upload.size'?: number }> {
    try {
      return await this.http.request('GET', '/_matrix/client/v1/media/config', { signal });
    } catch (e) {
      if (!(e instanceof MatrixError && (e.errcode === 'M_UNRECOGNIZED' || e.status === 404))) throw e;
      return this.http.request('GET', '/_matrix/media/v3/config', { signal });
    }
  }
  /** `/_matrix/media/v3/…`, without a token: only for servers from before authenticated media. */
  downloadLegacy(kind: MediaKind, server: string, mediaId: string, opts: MediaDownloadOptions) {
    return this.http.download(`/_matrix/media/v3/${kind}/${enc(server)}/${enc(mediaId)}`, { ...opts, auth: false });
  }
}
