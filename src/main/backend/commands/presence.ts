/** Handlers of the presence area: our own presence (kept on the session for every /sync) and reading others'. */
import type { presenceCommands } from '../../../shared/rpc/commands.ts';
import { parsePresence } from '../sync/presence.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function presenceHandlers(ctx: CommandContext): AreaHandlers<typeof presenceCommands> {
  return {
    set_presence: async ({ presence, status_msg: statusMsg }) => {
      const s = ctx.requireSession();
      await s.client.presence.setPresence(s.userId, presence, statusMsg);
      // Only once the server took it: the next /sync's set_presence then agrees with what was set.
      s.presence = presence;
      return true;
    },
    get_presence: async ({ user_id: userId }, signal) => {
      const s = ctx.requireSession();
      const stored = ctx.store.presence.get(userId);
      if (stored) return stored;
      const status = await s.client.presence.getPresence(userId, signal);
      return parsePresence({ type: 'm.presence', sender: userId, content: status }, Date.now()) ?? null;
    },
  };
}
