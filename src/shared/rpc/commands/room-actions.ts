/**
 * Commands that act on a room's events without sending a message: state, redactions, reports (of events, rooms and
 * users), delayed events, and sticky events (MSC4354: events the server keeps handing to new members for a while,
 * used by calls).
 */
import { z } from 'zod';
import type { Event } from '../types.ts';
import type { RespEmpty, RespSendEvent } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { eventIdField, eventTypeField, jsonObject, roomIdField, userIdField } from './fields.ts';

/** MSC4354's longest stickiness: one hour. */
export const STICKY_MAX_MS = 3_600_000;

export const roomActionCommands = {
  /**
   * Sends a state event. Answers its event ID; with `delay_ms` (MSC4140) the server schedules it instead and the
   * answer is the delay ID, as in gomuks.
   */
  set_state: command(z.object({
    room_id: roomIdField,
    type: eventTypeField,
    state_key: z.string(),
    content: jsonObject,
    delay_ms: z.number().int().min(0).optional(),
  })).returns<string>(),
  redact_event: command(z.object({ room_id: roomIdField, event_id: eventIdField, reason: z.string().optional() }))
    .returns<RespSendEvent>(),
  /** Reports an event to the homeserver's administrators. */
  report_event: command(z.object({ room_id: roomIdField, event_id: eventIdField, reason: z.string().optional() }))
    .returns<boolean>(),
  /**
   * Lattice extension (gomuks has none): reports a whole room to the homeserver's administrators (spec v1.13,
   * POST /rooms/{roomId}/report). The spec requires a reason; it may be empty.
   */
  report_room: command(z.object({ room_id: roomIdField, reason: z.string() })).returns<boolean>(),
  /**
   * Lattice extension (gomuks has none): reports a user to the homeserver's administrators (spec v1.14,
   * POST /users/{userId}/report). The spec requires a reason; it may be empty. A homeserver may accept a report
   * about a user it does not know without filing it (so as not to tell who exists).
   */
  report_user: command(z.object({ user_id: userIdField, reason: z.string() })).returns<boolean>(),
  /** Cancels, restarts or sends now a delayed event (MSC4140). */
  update_delayed_event: command(z.object({
    delay_id: z.string().min(1),
    action: z.enum(['cancel', 'restart', 'send']),
  })).returns<RespEmpty>(),
  /**
   * Sends an event that stays sticky for `sticky_duration_ms` (MSC4354; the server keeps at most an hour), straight
   * to the server as gomuks does. Answers its event ID, or with `delay_ms` (MSC4140) its delay ID.
   */
  send_sticky_event: command(z.object({
    room_id: roomIdField,
    type: eventTypeField,
    content: jsonObject,
    sticky_duration_ms: z.number().int().min(1, 'sticky_duration_ms must be at least 1').max(STICKY_MAX_MS, 'sticky_duration_ms must be at most an hour (3600000)'),
    delay_ms: z.number().int().min(0).optional(),
  })).returns<string>(),
  /** The room's stored events that are still sticky, oldest first. Does not ask the homeserver. */
  get_sticky_events: command(z.object({ room_id: roomIdField })).returns<Event[]>(),
} satisfies CommandArea;
