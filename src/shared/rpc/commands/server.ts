/**
 * Commands about the homeserver and this backend: versions, capabilities, media limits, TURN and MatrixRTC
 * transports, URL previews, OpenID tokens, any server's support contacts, v12 room IDs, to-device listening, push registrations (gomuks' own, and
 * pushers on the homeserver).
 */
import { z } from 'zod';
import type {
  LinkPreview, RespCapabilities, ServerSupport, RespMediaConfig, RespOpenIDToken, RespRTCTransports, RespTurnServer, RespVersions,
} from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { empty, httpURL, jsonObject, serverNameField } from './fields.ts';

export const serverCommands = {
  get_versions: command(empty).returns<RespVersions>(),
  get_capabilities: command(empty).returns<RespCapabilities>(),
  get_media_config: command(empty).returns<RespMediaConfig>(),
  get_turn_servers: command(empty).returns<RespTurnServer>(),
  get_rtc_transports: command(empty).returns<RespRTCTransports>(),
  /** The homeserver's preview of a web page. `encrypt` (re-uploading the image encrypted) needs encryption. */
  get_url_preview: command(z.object({ url: httpURL, encrypt: z.boolean().optional() })).returns<LinkPreview>(),
  /**
   * A server's support contacts, from its `/.well-known/matrix/support` (asked of that server itself, over https,
   * within 10 s): null when it publishes none. Lattice's own; a report about another server's user offers them.
   */
  get_server_support: command(z.object({ server_name: serverNameField })).returns<ServerSupport | null>(),
  request_openid_token: command(empty).returns<RespOpenIDToken>(),
  /** The room ID a v12 room created by us at `timestamp` with this creation content will have. */
  calculate_room_id: command(z.object({ timestamp: z.number().int().min(0), content: jsonObject })).returns<string>(),
  /** Turns to-device events in sync_complete on or off (for widgets); answers the previous setting. */
  listen_to_device: command(z.boolean()).returns<boolean>(),
  /** Stores a push registration of a frontend device. No push gateway is contacted. */
  register_push: command(z.object({
    device_id: z.string().min(1),
    type: z.enum(['fcm', 'web']),
    data: z.unknown().refine((v) => v !== undefined, 'is required'),
    encryption: z.object({ key: z.string().min(1) }).optional(),
    expiration: z.number().int().optional(),
  })).returns<boolean>(),
  /**
   * Registers (or with `kind: null` removes) a pusher on the homeserver: the spec's /pushers/set body, passed on.
   * The homeserver keeps it; no push gateway is contacted here.
   */
  register_homeserver_push: command(z.object({
    pushkey: z.string().min(1, 'pushkey is required').max(512),
    app_id: z.string().min(1, 'app_id is required').max(64),
    kind: z.string().min(1).nullable(),
    app_display_name: z.string().optional(),
    device_display_name: z.string().optional(),
    profile_tag: z.string().nullable().optional(),
    lang: z.string().optional(),
    data: jsonObject.optional(),
    append: z.boolean().optional(),
  }).refine((p) => p.kind === null || (p.app_display_name !== undefined && p.device_display_name !== undefined
    && p.lang !== undefined && p.data !== undefined),
  'a pusher needs app_display_name, device_display_name, lang and data (only removing one, with kind null, does not)')).returns<boolean>(),
} satisfies CommandArea;
