/**
 * The public room directory (Lattice's own command; gomuks has none): the rooms a homeserver lists publicly,
 * searched by a term and read a page at a time, as Element's "Explore public rooms" reads them. The request is the
 * C-S API's `POST /publicRooms` body (and its `server` query parameter), field for field, as gomuks passes
 * mautrix' request structs through for create_room.
 */
import { z } from 'zod';
import type { RespPublicRooms } from '../responses.ts';
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
} satisfies CommandArea;
