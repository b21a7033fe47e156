/**
 * Ignoring users (a Lattice extension; gomuks edits m.ignored_user_list through set_account_data). The list is
 * account data, so it reaches every device; the backend hides ignored users' messages, invites and typing, and
 * resyncs after a change so that stored history follows the new list.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { empty, userIdField } from './fields.ts';

export const ignoringCommands = {
  /** Adds a user to m.ignored_user_list. True if the list changed (false: already ignored). */
  ignore_user: command(z.object({ user_id: userIdField })).returns<boolean>(),
  /** Removes a user from m.ignored_user_list. True if the list changed (false: was not ignored). */
  unignore_user: command(z.object({ user_id: userIdField })).returns<boolean>(),
  /** The ignored users, from the stored account data. */
  get_ignored_users: command(empty).returns<string[]>(),
} satisfies CommandArea;
