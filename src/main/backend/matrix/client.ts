/**
 * The Matrix Client-Server API, one facade over the shared transport (`http.ts`) with one object per API area
 * (`api/`): `client.auth`, `client.rooms`, `client.send`, `client.media`, `client.account`, `client.pushRules`. New endpoints go
 * into their area's file, so this one stays a table of contents.
 */
import { AccountApi } from './api/account.ts';
import { AuthApi } from './api/auth.ts';
import { MediaApi } from './api/media.ts';
import { PushRulesApi } from './api/push-rules.ts';
import { RoomsApi } from './api/rooms.ts';
import { SendApi } from './api/send.ts';
import { SyncApi, type SyncParams } from './api/sync.ts';
import { MatrixHttp, type FetchLike } from './http.ts';

export type { FetchLike } from './http.ts';
export { sleep } from './sleep.ts';

export class MatrixClient extends MatrixHttp {
  readonly auth: AuthApi;
  readonly rooms: RoomsApi;
  readonly send: SendApi;
  readonly media: MediaApi;
  readonly account: AccountApi;
  readonly pushRules: PushRulesApi;
  private readonly syncApi: SyncApi;

  constructor(baseUrl: string, accessToken?: string, fetchImpl?: FetchLike) {
    super(baseUrl, accessToken, fetchImpl);
    this.auth = new AuthApi(this);
    this.rooms = new RoomsApi(this);
    this.send = new SendApi(this);
    this.media = new MediaApi(this);
    this.account = new AccountApi(this);
    this.pushRules = new PushRulesApi(this);
    this.syncApi = new SyncApi(this);
  }

  // The sync area is reached directly (`client.sync()`), as the sync loop has always called it.
  createFilter(userId: string, filter: object) {
    return this.syncApi.createFilter(userId, filter);
  }
  sync(params: SyncParams, signal?: AbortSignal) {
    return this.syncApi.sync(params, signal);
  }
}
