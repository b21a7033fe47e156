/**
 * The client_state event: whether an account is signed in and its first sync done, who it is, its encryption
 * state, and what the login screen should say about the secret store and about how the last session ended.
 */
import type { ClientState } from '../../shared/rpc/index.ts';
import type { Session } from './commands/context.ts';
import type { SecretStore } from './secrets/secret-store.ts';

export interface ClientStateFacts {
  session: Session | undefined;
  /** The session's first sync is done (or its database already held one). */
  initialized: boolean;
  secrets: SecretStore | undefined;
  /** Why there is no secret store, or why reading from it failed. */
  secretsError: string | undefined;
  /** How the last session ended (deactivation), said while nobody is signed in. */
  signedOutNotice: string | undefined;
}

export function clientStateOf({ session: s, initialized, secrets, secretsError, signedOutNotice }: ClientStateFacts): ClientState {
  const state: ClientState = {
    is_initialized: initialized || !s,
    is_logged_in: !!s,
    is_verified: false,
    verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false },
  };
  if (s?.crypto) {
    state.verification_state = { ...s.crypto.verificationState };
    state.is_verified = state.verification_state.is_verified;
  }
  if (s) {
    state.user_id = s.userId;
    state.device_id = s.deviceId;
    state.homeserver_url = s.homeserverUrl;
    if (s.profile.displayname) state.displayname = s.profile.displayname;
    if (s.profile.avatar_url) state.avatar_url = s.profile.avatar_url;
  }
  if (secrets && secrets.kind === 'file') state.secret_storage_warning = secrets.description;
  if (secretsError) state.secret_storage_error = secretsError;
  if (!s && signedOutNotice) state.signed_out_notice = signedOutNotice;
  return state;
}
