/** Media endpoints: authenticated media (spec v1.11) and the old unauthenticated ones for servers without it. */
import { enc, type MatrixHttp, type RequestOptions, type UploadOptions } from '../http.ts';

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
  /** `/_matrix/media/v3/…`, without a token: only for servers from before authenticated media. */
  downloadLegacy(kind: MediaKind, server: string, mediaId: string, opts: MediaDownloadOptions) {
    return this.http.download(`/_matrix/media/v3/${kind}/${enc(server)}/${enc(mediaId)}`, { ...opts, auth: false });
  }
}
