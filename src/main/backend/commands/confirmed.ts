/**
 * A homeserver request the person may have to confirm (user-interactive auth, matrix/password-auth.ts), run for a
 * command: a confirmation still needed is an answer for the frontend (ask for the password, or open the
 * homeserver's page), not a failure; refusals from the homeserver become sentences (failing.ts).
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { FallbackRequired, PasswordRequired, withPasswordAuth } from '../matrix/password-auth.ts';
import type { Session } from './context.ts';
import { attempt } from './failing.ts';

/** What the frontend does before sending the command again; undefined from `runConfirmed` means it was done. */
export type ConfirmationNeeded =
  | { password_required: true }
  | { fallback: { url: string; stage: string; session: string } };

/**
 * Runs `request` through the homeserver's confirmation; `what` completes "to …" sentences ("change your password").
 * Answers undefined once done, or what is still needed; throws errors in words.
 */
export async function runConfirmed(
  s: Session, what: string, password: string | undefined, authSession: string | undefined,
  request: (auth?: JSONObject) => Promise<unknown>,
): Promise<ConfirmationNeeded | undefined> {
  try {
    await attempt(what, () => withPasswordAuth(s.userId, password, what, request, authSession));
    return undefined;
  } catch (e) {
    if (e instanceof PasswordRequired) return { password_required: true };
    if (e instanceof FallbackRequired) {
      return { fallback: { url: new URL(e.path, s.homeserverUrl).toString(), stage: e.stage, session: e.session } };
    }
    throw e;
  }
}
