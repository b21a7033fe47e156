/**
 * Managing the account itself, as Element's Settings do: changing its password and deactivating it. Lattice
 * extensions; gomuks has no such commands. Both go through the homeserver's user-interactive auth the way
 * `delete_devices` does (commands/devices.ts): tried without it first, a flow needing nothing from the person done at
 * once, else the account password, else the homeserver's fallback page.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';

/**
 * What a confirmed account change answered: `done`, or nothing done because the homeserver wants the account
 * password and none was given (`password_required`), or a stage on its own web page (`fallback`: open `url`, then
 * send the command again with `auth_session: session`).
 */
export interface AccountChangeResult {
  done: boolean;
  password_required?: boolean;
  fallback?: { url: string; stage: string; session: string };
}

const password = z.string().min(1, 'must not be empty').max(1000, 'is too long for a password');
const authSession = z.string().min(1, 'must not be empty').max(1000, 'is too long for a session');

export const accountCommands = {
  /**
   * Changes the account password (POST /account/password), confirmed with the current one (`password`). With
   * `logout_devices` the homeserver signs every other session out; this one stays signed in (the spec keeps the
   * token that asked). A wrong current password, and a new one the server's policy refuses (M_WEAK_PASSWORD, with
   * the server's reason), are errors in words.
   */
  change_password: command(z.object({
    password: password.optional(),
    new_password: password,
    logout_devices: z.boolean(),
    auth_session: authSession.optional(),
  })).returns<AccountChangeResult>(),
  /**
   * Deactivates the account for good (POST /account/deactivate), with `erase` asking the homeserver to forget the
   * messages sent (the spec's erase). Once done, this app signs out locally exactly as `logout` does (token, database,
   * encryption keys and media cache removed) and client_state's `signed_out_notice` says why.
   */
  deactivate_account: command(z.object({
    password: password.optional(),
    erase: z.boolean(),
    auth_session: authSession.optional(),
  })).returns<AccountChangeResult>(),
} satisfies CommandArea;
