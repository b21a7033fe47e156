/** Commands that act on a room's events without sending a message: state, redactions, reports, delayed events. */
import { z } from 'zod';
import type { RespEmpty, RespSendEvent } from '../responses.ts';
import { command, type CommandArea } from './define.ts';
import { eventIdField, eventTypeField, jsonObject, roomIdField } from './fields.ts';

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
  /** Cancels, restarts or sends now a delayed event (MSC4140). */
  update_delayed_event: command(z.object({
    delay_id: z.string().min(1),
    action: z.enum(['cancel', 'restart', 'send']),
  })).returns<RespEmpty>(),
} satisfies CommandArea;
