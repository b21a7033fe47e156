/**
 * Handlers of the session area: state, homeserver discovery, login, retrying the sync now, logout. Login stores the
 * access token in the secret store before the account row, so a keychain failure never leaves an account without its
 * token.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { sessionCommands } from '../../../shared/rpc/commands.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { MatrixClient } from '../matrix/client.ts';
import { discoverHomeserver } from '../matrix/discovery.ts';
import { describeLoginError, MatrixError, notAnsweringError } from '../matrix/errors.ts';
import type { AreaHandlers, CommandContext, OwnProfile } from './context.ts';

export function sessionHandlers(ctx: CommandContext): AreaHandlers<typeof sessionCommands> {
  // One login at a time across every connected frontend: the handlers are shared by all of them.
  let loginInProgress = false;

  async function login(homeserverUrl: string, request: JSONObject, signal: AbortSignal): Promise<boolean> {
    if (ctx.session) throw new Error(`Already logged in as ${ctx.session.userId}; log out first.`);
    const secretsProblem = ctx.secretStoreProblem();
    if (secretsProblem !== undefined) {
      throw new Error(`Cannot sign in: there is nowhere safe to keep the access token. ${secretsProblem}`.trim());
    }
    if (loginInProgress) throw new Error('A login is already in progress.');
    loginInProgress = true;
    try {
      const client = new MatrixClient(homeserverUrl, undefined, ctx.fetch);
      let resp;
      // A homeserver should answer a login at once: one whose connection went silent is said within this bound,
      // not after the HTTP layer's whole timeout (the person is looking at a spinner).
      const within = ctx.answerWithinMs ?? LOGIN_ANSWER_WITHIN_MS;
      const silence = AbortSignal.timeout(within);
      try {
        resp = await client.auth.login({ initial_device_display_name: 'Lattice', ...request }, AbortSignal.any([signal, silence]));
      } catch (e) {
        if (!signal.aborted && silence.aborted) throw new Error(describeLoginError(notAnsweringError(client.baseUrl, within), homeserverUrl));
        throw new Error(describeLoginError(e, homeserverUrl));
      }
      if (typeof resp?.access_token !== 'string' || typeof resp.user_id !== 'string' || typeof resp.device_id !== 'string') {
        throw new Error('The homeserver sent an incomplete login response.');
      }
      // The token goes to the keychain first: if that fails, no account row points at a token we can't find.
      await ctx.saveAccessToken(resp.access_token);
      // Another account's data must not mix with this one's; the same account (after a soft logout, or a lost
      // token) keeps its stored history and syncs afresh from a new device.
      const previous = ctx.store.account.get();
      if (previous && previous.user_id !== resp.user_id) ctx.resetDatabase();
      // Encryption keys belong to one device: a login as a new device starts with a new store.
      if (previous?.user_id !== resp.user_id || previous.device_id !== resp.device_id) await ctx.wipeCrypto();
      ctx.store.account.put(resp.user_id, resp.device_id, client.baseUrl);
      // The profile first, so that the first client_state of the session already names the user; a homeserver slow
      // to answer it must not hold the login up, so after a few seconds the session starts without it.
      const profileSignal = AbortSignal.any([AbortSignal.timeout(PROFILE_AT_LOGIN_MS), signal]);
      const profile = await fetchOwnProfile(new MatrixClient(client.baseUrl, resp.access_token, ctx.fetch), resp.user_id, profileSignal);
      ctx.startSession(client.baseUrl, resp.user_id, resp.device_id, resp.access_token, profile);
      return true;
    } finally {
      loginInProgress = false;
    }
  }

  return {
    get_state: () => ctx.clientState(),
    get_login_flows: async ({ homeserver_url }, signal) => {
      const resp = await new MatrixClient(homeserver_url, undefined, ctx.fetch).auth.loginFlows(signal);
      return { flows: resp.flows as { type: string }[] };
    },
    discover_homeserver: ({ user_id }, signal) => discoverHomeserver(user_id, signal, ctx.fetch),
    login: ({ homeserver_url, username, password }, signal) => login(homeserver_url, {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password,
    }, signal),
    login_custom: ({ homeserver_url, request }, signal) => login(homeserver_url, request, signal),
    retry_sync: () => ctx.requireSession().sync.retryNow(),
    logout: async () => {
      const s = ctx.requireSession();
      try {
        await s.client.auth.logout();
      } catch (e) {
        // An already invalid token is logged out as far as the server is concerned; anything else must be said.
        if (!(e instanceof MatrixError && e.errcode === 'M_UNKNOWN_TOKEN')) {
          throw new Error(`Could not log out on the homeserver: ${errorMessage(e)}`);
        }
      }
      await ctx.endSession(undefined);
      return true;
    },
  };
}

/** How long a login waits for the account's profile before the session starts without it. */
const PROFILE_AT_LOGIN_MS = 5000;
/** Like the sync loop's bound for requests that should be answered at once (sync/sync-loop.ts). */
const LOGIN_ANSWER_WITHIN_MS = 30_000;

/** The account's display name and avatar, or nothing when the server has none or cannot say (never fatal). */
export async function fetchOwnProfile(client: MatrixClient, userId: string, signal?: AbortSignal): Promise<OwnProfile> {
  try {
    const p = await client.profile.get(userId, signal);
    const out: OwnProfile = {};
    if (typeof p?.displayname === 'string' && p.displayname) out.displayname = p.displayname;
    if (typeof p?.avatar_url === 'string' && p.avatar_url) out.avatar_url = p.avatar_url;
    return out;
  } catch {
    return {};
  }
}
