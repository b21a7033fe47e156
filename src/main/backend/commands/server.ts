/**
 * Handlers of the server area: what the homeserver offers (versions, capabilities, media limits, TURN, MatrixRTC,
 * URL previews, OpenID, pushers), another server's support contacts, and this backend's own switches (to-device listening, push registrations).
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { serverCommands } from '../../../shared/rpc/commands.ts';
import type {
  JSONObject, RespCapabilities, RespOpenIDToken, RespRTCTransports, RespTurnServer, RespVersions,
} from '../../../shared/rpc/index.ts';
import { calculateRoomId } from '../matrix/room-id.ts';
import { fetchServerSupport } from '../matrix/server-support.ts';
import { PushRegistrationStore, pushKeyName } from '../store/push-registrations.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { attempt } from './failing.ts';

/** A server answer missing what the command promises is the server's fault, said as such. */
function expect<T>(what: string, r: JSONObject, ok: (r: JSONObject) => boolean): T {
  if (!ok(r)) throw new Error(`The homeserver's answer about ${what} is incomplete: ${JSON.stringify(r).slice(0, 200)}`);
  return r as T;
}

export function serverHandlers(ctx: CommandContext): AreaHandlers<typeof serverCommands> {
  const client = () => ctx.requireSession().client;
  return {
    get_versions: async (_p, signal) => expect<RespVersions>('its versions',
      await attempt('read the homeserver versions', () => client().server.versions(signal)), (r) => Array.isArray(r.versions)),
    get_capabilities: async (_p, signal) => expect<RespCapabilities>('its capabilities',
      await attempt('read the homeserver capabilities', () => client().server.capabilities(signal)),
      (r) => typeof r.capabilities === 'object' && r.capabilities !== null),
    get_media_config: (_p, signal) => attempt('read the media configuration', () => client().server.mediaConfig(signal)),
    get_turn_servers: async (_p, signal) => {
      const r = await attempt('get TURN servers', () => client().server.turnServer(signal));
      if (!Array.isArray(r.uris) || r.uris.length === 0) throw new Error('The homeserver has no TURN server configured.');
      return expect<RespTurnServer>('TURN', r, (x) => typeof x.username === 'string' && typeof x.password === 'string');
    },
    get_rtc_transports: async (_p, signal) => {
      const r = await attempt('get MatrixRTC transports', () => client().server.rtcTransports(signal));
      return { ...r, rtc_transports: Array.isArray(r.rtc_transports) ? r.rtc_transports : [] } as RespRTCTransports;
    },
    get_url_preview: ({ url, encrypt }, signal) => ctx.requireSession().previews.get(url, encrypt === true, signal),
    get_server_support: ({ server_name: server }, signal) => {
      ctx.requireSession();
      return fetchServerSupport(server, signal, ctx.fetch, ctx.serverSupportWithinMs).catch((e: unknown) => {
        if (signal.aborted) throw e;
        throw new Error(`Could not read the support contacts of ${server}: ${errorMessage(e)}`, { cause: e });
      });
    },
    request_openid_token: async () => {
      const s = ctx.requireSession();
      return expect<RespOpenIDToken>('OpenID', await attempt('get an OpenID token', () => s.client.server.openIdToken(s.userId)),
        (r) => typeof r.access_token === 'string');
    },
    calculate_room_id: ({ timestamp, content }) => calculateRoomId(ctx.requireSession().userId, timestamp, content),
    listen_to_device: (listen) => {
      const s = ctx.requireSession();
      const previous = s.listenToDevice;
      s.listenToDevice = listen;
      return previous;
    },
    register_push: async ({ encryption, ...reg }) => {
      // The key encrypts what a push gateway would send to the device: a secret, so it goes to the secret store.
      if (encryption) await ctx.saveSecret(pushKeyName(reg.device_id), encryption.key);
      new PushRegistrationStore(ctx.store.db).put({ ...reg, data: reg.data as JSONObject, ...(encryption ? { encryption } : {}) });
      return true;
    },
    register_homeserver_push: async (pusher, signal) => {
      const what = pusher.kind === null ? 'remove the pusher' : 'register the pusher';
      await attempt(what, () => client().pushRules.setPusher(pusher as JSONObject, signal));
      return true;
    },
  };
}
