/**
 * Handlers of the devices area: renaming a session and signing other sessions out (confirmed with the account
 * password, or on the homeserver's fallback page, when the homeserver asks).
 */
import type { deviceCommands } from '../../../shared/rpc/commands.ts';
import { runConfirmed } from './confirmed.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { attempt } from './failing.ts';

export function deviceHandlers(ctx: CommandContext): AreaHandlers<typeof deviceCommands> {
  return {
    rename_device: async ({ device_id: deviceId, display_name: name }, signal) => {
      const s = ctx.requireSession();
      await attempt(`rename the session ${deviceId}`, () => s.client.account.renameDevice(deviceId, name.trim(), signal));
      return true;
    },
    delete_devices: async ({ device_ids: ids, password, auth_session: authSession }, signal) => {
      const s = ctx.requireSession();
      // Deleting our own device would end this session behind its back (its token dies, nothing is cleaned up).
      if (ids.includes(s.deviceId)) throw new Error('This session cannot sign itself out here: use Sign out instead.');
      const unique = [...new Set(ids)];
      const what = unique.length === 1 ? `sign out the session ${unique[0]}` : `sign out ${unique.length} sessions`;
      // A confirmation still needed is not a failure: the frontend asks for the password, or opens the page.
      const needed = await runConfirmed(s, what, password, authSession, (auth) => s.client.account.deleteDevices(unique, auth, signal));
      return needed ? { signed_out: false, ...needed } : { signed_out: true };
    },
  };
}
