/**
 * Handlers of the directory area: a page of a server's public room directory, its refusals in words (a server name
 * nobody answers to, a server that does not share its directory, a rate limit); and a search of our homeserver's
 * user directory, each result checked, its refusals in words too.
 */
import type { directoryCommands } from '../../../shared/rpc/commands.ts';
import type { UserDirectoryResult } from '../../../shared/rpc/responses.ts';
import { describePublicRoomsError, describeUserDirectoryError } from '../matrix/errors.ts';
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
    search_user_directory: async ({ search_term: term, limit }, signal) => {
      const client = ctx.requireSession().client;
      const page = await attempt('search the user directory', () => client.directory.searchUsers(term, limit, signal).catch((e: unknown) => {
        const words = describeUserDirectoryError(e);
        throw words === undefined ? e : new Error(words, { cause: e });
      }));
      const results: UserDirectoryResult[] = [];
      const seen = new Set<string>();
      for (const r of Array.isArray(page.results) ? page.results : []) {
        const found = userDirectoryResult(r);
        // A server's odd entry (no user ID) is left out, and one person listed twice shown once.
        if (!found || seen.has(found.user_id)) continue;
        seen.add(found.user_id);
        results.push(found);
      }
      return { results, limited: page.limited === true };
    },
  };
}

/** A user directory entry as the spec describes it, or null for one that names no user. */
function userDirectoryResult(raw: unknown): UserDirectoryResult | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.user_id !== 'string' || !/^@[^:\s]+:\S+$/.test(r.user_id)) return null;
  return {
    user_id: r.user_id,
    ...(typeof r.display_name === 'string' && r.display_name.trim() !== '' ? { display_name: r.display_name } : {}),
    ...(typeof r.avatar_url === 'string' && r.avatar_url.startsWith('mxc://') ? { avatar_url: r.avatar_url } : {}),
  };
}
