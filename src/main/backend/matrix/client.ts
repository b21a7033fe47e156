/**
 * The Matrix Client-Server API, one facade over the shared transport (`http.ts`) with one object per API area
 * (`api/`): `client.auth`, `client.rooms`, `client.send`, `client.media`, `client.account`, `client.events`,
 * `client.membership`, `client.profile`, `client.roomActions`, `client.server`, `client.presence`,
 * `client.roomAdmin`, `client.crypto`, `client.pushRules`. New endpoints go
 * into their area's file, so this one stays a table of contents.
 */
import { AccountApi } from './api/account.ts';
import { AuthApi } from './api/auth.ts';
import { CryptoApi } from './api/crypto.ts';
import { EventsApi } from './api/events.ts';
import { MediaApi } from './api/media.ts';
import { PushRulesApi } from './api/push-rules.ts';
import { PresenceApi } from './api/presence.ts';
import { RoomAdminApi } from './api/room-admin.ts';
import { DirectoryApi } from './api/directory.ts';
import { MembershipApi } from './api/membership.ts';
import { ProfileApi } from './api/profile.ts';
import { RoomActionsApi } from './api/room-actions.ts';
import { RoomsApi } from './api/rooms.ts';
import { SendApi } from './api/send.ts';
import { ServerApi } from './api/server.ts';
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
  readonly presence: PresenceApi;
  readonly roomAdmin: RoomAdminApi;
  readonly events: EventsApi;
  readonly membership: MembershipApi;
  readonly directory: DirectoryApi;
  readonly profile: ProfileApi;
  readonly roomActions: RoomActionsApi;
  readonly server: ServerApi;
  readonly crypto: CryptoApi;
  private readonly syncApi: SyncApi;

  constructor(baseUrl: string, accessToken?: string, fetchImpl?: FetchLike) {
    super(baseUrl, accessToken, fetchImpl);
    this.auth = new AuthApi(this);
    this.rooms = new RoomsApi(this);
    this.send = new SendApi(this);
    this.media = new MediaApi(this);
    this.account = new AccountApi(this);
    this.pushRules = new PushRulesApi(this);
    this.presence = new PresenceApi(this);
    this.roomAdmin = new RoomAdminApi(this);
    this.events = new EventsApi(this);
    this.membership = new MembershipApi(this);
    this.directory = new DirectoryApi(this);
    this.profile = new ProfileApi(this);
    this.roomActions = new RoomActionsApi(this);
    this.server = new ServerApi(this);
    this.crypto = new CryptoApi(this);
    this.syncApi = new SyncApi(this);
  }

  // The sync area is reached directly (`client.sync()`), as the sync loop has always called it.
  createFilter(userId: string, filter: object, signal?: AbortSignal) {
    return this.syncApi.createFilter(userId, filter, signal);
  }
  sync(params: SyncParams, signal?: AbortSignal) {
    return this.syncApi.sync(params, signal);
  }
}
