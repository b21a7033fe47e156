/**
 * Handlers of the account area: changing the password and deactivating the account, each confirmed the way the
 * homeserver asks (confirmed.ts). Deactivation then signs this app out exactly as `logout` does, with a notice
 * for the login screen.
 */
import type { accountCommands } from '../../../shared/rpc/commands.ts';
import { MatrixError } from '../matrix/errors.ts';
import { PasswordRefused } from '../matrix/password-auth.ts';
import { runConfirmed } from './confirmed.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function accountHandlers(ctx: CommandContext): AreaHandlers<typeof accountCommands> {
  return {
    change_password: async ({ password, new_password: newPassword, logout_devices: logoutDevices, auth_session: authSession }, signal) => {
      const s = ctx.requireSession();
      try {
        const needed = await runConfirmed(s, 'change your password', password, authSession,
          (auth) => s.client.account.changePassword(newPassword, logoutDevices, auth, signal));
        return needed ? { done: false, ...needed } : { done: true };
      } catch (e) {
        if (e instanceof PasswordRefused) {
          throw new Error('Your current password is not right, so your password was not changed. Check it and try again.', { cause: e });
        }
        const refused = homeserverError(e);
        // The server's policy (length, digits, symbols…): its own words say what it wants. The spec's code is
        // M_WEAK_PASSWORD; Synapse says which rule with its own (M_PASSWORD_TOO_SHORT, M_PASSWORD_NO_DIGIT…).
        if (refused && (refused.errcode === 'M_WEAK_PASSWORD' || refused.errcode.startsWith('M_PASSWORD_'))) {
          throw new Error(`The homeserver refused the new password: ${refused.message.replace(/\.?$/, '.')} Choose another one.`, { cause: e });
        }
        throw e;
      }
    },
    deactivate_account: async ({ password, erase, auth_session: authSession }, signal) => {
      const s = ctx.requireSession();
      const needed = await runConfirmed(s, 'deactivate your account', password, authSession,
        (auth) => s.client.account.deactivate(erase, auth, signal));
      if (needed) return { done: false, ...needed };
      // Every token of the account is dead now, this one too: nothing to tell the server, only local data to delete.
      await ctx.endSession(undefined, false,
        `The account ${s.userId} was deactivated: it can no longer sign in, and Lattice removed its data from this computer.`);
      return { done: true };
    },
  };
}

/** The homeserver's refusal behind a failure in words (failing.ts keeps it as the cause). */
function homeserverError(e: unknown): MatrixError | undefined {
  if (e instanceof MatrixError) return e;
  return e instanceof Error && e.cause instanceof MatrixError ? e.cause : undefined;
}
