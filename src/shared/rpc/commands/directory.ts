/**
 * The homeserver's directories (Lattice's own commands; gomuks has neither): the public room directory, the rooms a
 * homeserver lists publicly, searched by a term and read a page at a time, as Element's "Explore public rooms" reads
 * them; and the user directory, the people it lets us find, as Element's invite and "Start chat" dialogs search it.
 * Each request is the C-S API's body (and for the rooms its `server` query parameter), field for field, as gomuks
 * passes mautrix' request structs through for create_room.
 */
import { z } from 'zod';
import type { RespPublicRooms, RespUserDirectory } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { serverNameField } from './fields.ts';

export const directoryCommands = {
  /**
   * One page of a server's public room directory: ours, or `server`'s (asked for through ours, over federation).
   * `since` is the `next_batch` of the page before.
   */
  get_public_rooms: command(z.object({
    server: serverNameField.optional(),
    limit: z.number().int().min(1).max(500).optional(),
    since: z.string().min(1).optional(),
    filter: z.object({
      generic_search_term: z.string().max(500).optional(),
      room_types: z.array(z.string().nullable()).optional(),
    }).optional(),
  })).returns<RespPublicRooms>(),
  /**
   * The people our homeserver's user directory finds for `search_term` (matched on display names and user IDs by
   * the server; Synapse by default only those sharing a room with us or in a public room), at most `limit` (the
   * spec's default is 10).
   */
  search_user_directory: command(z.object({
    search_term: z.string().trim().min(1, 'must not be blank').max(500),
    limit: z.number().int().min(1).max(100).optional(),
  })).returns<RespUserDirectory>(),
} satisfies CommandArea;
