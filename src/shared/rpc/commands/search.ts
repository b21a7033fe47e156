/**
 * Message search: `search_local` over the database's full-text index of message bodies, and `search_server`
 * through the homeserver's /search. gomuks' SearchParams / SearchServerParams; both answer a
 * ManualPaginationResponse whose `next_batch` fetches the next page. Each found message comes once (an edit is no
 * result of its own), and `related_events` holds the latest edit of those edited (named by their
 * `last_edit_rowid`), so a frontend shows each message as it reads now, as in the timeline.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { roomIdField, userIdField } from './fields.ts';
import type { ManualPaginationResponse } from './reading.ts';

const searchBase = {
  /** Words to find, all of them (`word*`: any word starting so). */
  search_term: z.string().max(1000),
  limit: z.number().int().min(1).max(1000).optional(),
  room_ids: z.array(roomIdField).max(1000).optional(),
  senders: z.array(userIdField).max(1000).optional(),
  /** Newest first instead of best match first. */
  sort_by_time: z.boolean().optional(),
  next_batch: z.string().optional(),
};

export const searchCommands = {
  /** Stored messages: edits count with their newest text, deleted messages are left out. */
  search_local: command(z.object({
    ...searchBase,
    /** A substring of the raw event JSON (case-insensitive), alone or besides the words. */
    raw_like: z.string().max(1000).optional(),
    min_timestamp: z.number().int().optional(),
    max_timestamp: z.number().int().optional(),
    /** Only with raw_like: deleted messages are not in the word index. */
    include_redacted: z.boolean().optional(),
  }).refine((p) => p.search_term.trim() !== '' || !!p.raw_like,
    { message: 'search_term or raw_like must say what to look for' })).returns<ManualPaginationResponse>(),
  /**
   * The homeserver's search (room_events); found events are stored. The homeserver indexes edits as events of their
   * own and a message's first text too: a hit on an edit is its message (fetched when not stored), and a message
   * whose latest edit we hold is kept only if its current text has the words.
   */
  search_server: command(z.object({
    ...searchBase,
    search_term: searchBase.search_term.refine((t) => t.trim() !== '', 'search_term must not be empty'),
  })).returns<ManualPaginationResponse>(),
} satisfies CommandArea;
