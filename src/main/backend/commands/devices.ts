/** Handlers of the devices area: renaming a session and signing other sessions out (with the account password). */
import type { deviceCommands } from '../../../shared/rpc/commands.ts';
import { withPasswordAuth } from '../matrix/password-auth.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { attempt } from './failing.ts';

export function deviceHandlers(ctx: CommandContext): AreaHandlers<typeof deviceCommands> {
  return {
    rename_device: async ({ device_id: deviceId, display_name: name }, signal) => {
      const s = ctx.requireSession();
      await attempt(`rename the session ${deviceId}`, () => s.client.account.renameDevice(deviceId, name.trim(), signal));
      return true;
    },
    delete_devices: async ({ device_ids: ids, password }, signal) => {
      const s = ctx.requireSession();
      // Deleting our own device would end this session behind its back (its token dies, nothing is cleaned up).
      if (ids.includes(s.deviceId)) throw new Error('This session cannot sign itself out here: use Sign out instead.');
      const unique = [...new Set(ids)];
      const what = unique.length === 1 ? `sign out the session ${unique[0]}` : `sign out ${unique.length} sessions`;
      await attempt(what, () => withPasswordAuth(s.userId, password, what,
        (auth) => s.client.account.deleteDevices(unique, auth, signal)));
      return true;
    },
  };
}
