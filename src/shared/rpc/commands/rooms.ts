/** Commands that read rooms: history, state, and read receipts. */
import { z } from 'zod';
import type { Event, PaginationResponse } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { roomIdField } from './fields.ts';

export const roomCommands = {
  /**
   * Older timeline events: from the local database first, then `/messages` from the server (the fetched events
   * are stored, under falling timeline_rowids). `max_timeline_id` is the lowest timeline_rowid the frontend has
   * (absent: start at the newest). The response's `events` are newest first (descending timeline_rowid), as in
   * gomuks; `has_more` is false once the room's creation is reached.
   */
  paginate: command(z.object({
    room_id: roomIdField,
    max_timeline_id: z.number().int().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    reset: z.boolean().optional(),
  })).returns<PaginationResponse>(),
  /** Current state events of a room, from the local database. */
  get_room_state: command(z.object({
    room_id: roomIdField,
    refetch: z.boolean().optional(),
    fetch_members: z.boolean().optional(),
    include_members: z.boolean().optional(),
  })).returns<Event[]>(),
  /** Sends a read receipt (and moves m.fully_read for m.read). */
  mark_read: command(z.object({
    room_id: roomIdField,
    event_id: z.string().min(1),
    receipt_type: z.enum(['m.read', 'm.read.private']),
  })).returns<boolean>(),
} satisfies CommandArea;
