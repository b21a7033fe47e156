/**
 * The RPC envelope, shared by every transport (Electron IPC, worker messages, websocket).
 *
 * It is gomuks' envelope unchanged: `{command, request_id, data}`. Requests carry positive ids chosen by the
 * frontend; the backend answers each exactly once with `command: "response"` or `command: "error"` (data is the
 * error message string) and the same id. Backend events carry negative ids counting down from -1. A request
 * without `request_id` is never answered; one whose `request_id` is anything but a positive integer is answered
 * with an error under request id 0, since its own id cannot be echoed safely.
 */
import { z } from 'zod';

export interface Envelope<C extends string = string, D = unknown> {
  command: C;
  request_id?: number;
  data?: D;
}

/** What a frontend may send: request ids are positive integers (negative ones are the backend's events). */
export const envelopeSchema = z.object({
  command: z.string().min(1),
  request_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  data: z.unknown().optional(),
});


/** Parses one incoming envelope; returns a human message instead of throwing, for the "never crash" rule. */
export function parseEnvelope(raw: unknown): { ok: true; env: Envelope } | { ok: false; error: string; request_id?: number } {
  const r = envelopeSchema.safeParse(raw);
  if (r.success) return { ok: true, env: r.data };
  const given = typeof raw === 'object' && raw !== null ? (raw as { request_id?: unknown }).request_id : undefined;
  const id = given === undefined ? undefined
    : typeof given === 'number' && Number.isSafeInteger(given) && given > 0 ? given : 0;
  return { ok: false, error: `malformed envelope: ${describeZodError(r.error)}`, request_id: id };
}

/** Turns a validation failure into one line that names the offending field. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.length ? i.path.join('.') : '(root)';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}
