/**
 * Commands of the connection and the session: state, cancel, homeserver discovery, login, retrying the sync, logout.
 * Names and request fields follow the "RPC API" section of gomuks' docs.
 */
import { z } from 'zod';
import type { ClientState, ClientWellKnown, RespLoginFlows } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { empty, httpURL, jsonObject, userIdField } from './fields.ts';

export const sessionCommands = {
  /** Current login/verification state. Also pushed as `client_state` events. */
  get_state: command(empty).returns<ClientState>(),
  /** Cancels an in-flight request. Responds true if one was found. Answered by the dispatcher itself. */
  cancel: command(z.object({ request_id: z.number().int(), reason: z.string().optional() })).returns<boolean>(),

  get_login_flows: command(z.object({ homeserver_url: httpURL })).returns<RespLoginFlows>(),
  /** Looks up `.well-known/matrix/client` for the server part of a user ID. */
  discover_homeserver: command(z.object({ user_id: userIdField })).returns<ClientWellKnown>(),
  login: command(z.object({ homeserver_url: httpURL, username: z.string().min(1), password: z.string().min(1) }))
    .returns<boolean>(),
  login_custom: command(z.object({ homeserver_url: httpURL, request: jsonObject })).returns<boolean>(),
  /**
   * Lattice extension (gomuks has none): after a failed /sync, ends the wait before the next try (the backoff, or the
   * homeserver's Retry-After), or drops a try (or the first sync's filter request) not answered yet, so syncing tries
   * again now, as "Retry now" on the sync banner asks. Responds false when there was neither. The outcome comes as
   * `sync_status`, as for any try.
   */
  retry_sync: command(empty).returns<boolean>(),
  /** Invalidates the access token on the server and deletes all local data of the account. */
  logout: command(empty).returns<boolean>(),
} satisfies CommandArea;
