/** Handlers of the room keys area: rerequest_session. */
import type { roomKeyCommands } from '../../../shared/rpc/commands.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function roomKeyHandlers(ctx: CommandContext): AreaHandlers<typeof roomKeyCommands> {
  return {
    rerequest_session: async ({ room_id: roomId, session_id: sessionId, sender }) => {
      ctx.requireRoom(roomId);
      const { crypto } = ctx.requireSession();
      if (!crypto) throw new Error('End-to-end encryption is not running, so no room key can be requested.');
      await crypto.rerequestSession(roomId, sessionId, sender);
      return true;
    },
  };
}
