/**
 * Handlers of the directory area: a page of a server's public room directory, its refusals in words (a server name
 * nobody answers to, a server that does not share its directory, a rate limit).
 */
import type { directoryCommands } from '../../../shared/rpc/commands.ts';
import { describePublicRoomsError } from '../matrix/errors.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { attempt } from './failing.ts';

export function directoryHandlers(ctx: CommandContext): AreaHandlers<typeof directoryCommands> {
  return {
    get_public_rooms: async ({ server, limit, since, filter }, signal) => {
      const client = ctx.requireSession().client;
      const what = server ? `list the public rooms of ${server}` : 'list the public rooms';
      const page = await attempt(what, () => client.directory.publicRooms({
        server, limit, since, filter,
      }, signal).catch((e: unknown) => {
        // Our own sentence where it says more than "Could not list ...: <the server's words>".
        const words = describePublicRoomsError(e, server);
        throw words === undefined ? e : new Error(words, { cause: e });
      }));
      return {
        // A server's odd entry (not an object) is left out rather than failing the page.
        chunk: (Array.isArray(page.chunk) ? page.chunk : []).filter((r) => typeof r === 'object' && r !== null && !Array.isArray(r)),
        ...(typeof page.next_batch === 'string' && page.next_batch !== '' ? { next_batch: page.next_batch } : {}),
        ...(typeof page.prev_batch === 'string' && page.prev_batch !== '' ? { prev_batch: page.prev_batch } : {}),
        ...(typeof page.total_room_count_estimate === 'number' ? { total_room_count_estimate: page.total_room_count_estimate } : {}),
      };
    },
  };
}
