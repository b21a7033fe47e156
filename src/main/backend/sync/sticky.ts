/**
 * Sticky events (MSC4354): message events the server keeps delivering for a while (at most an hour), used by calls
 * (MatrixRTC membership) and live location. They arrive in the timeline, or in a room's own sync section
 * (`msc4354_sticky`, stable `sticky`) when they fall outside the timeline (a gappy sync, a room just joined).
 * Each event says how long it is sticky (top-level `msc4354_sticky.duration_ms`), and the server says in
 * `unsigned` how much of that was left when it served the event; the latter is authoritative for clients.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { ClientEvent, JoinedRoom } from '../matrix/types.ts';
import { serverMillis } from './server-millis.ts';

/** MSC4354's longest stickiness. */
export const MAX_STICKY_MS = 3_600_000;

/** The room's sticky section, under the unstable name Synapse uses or the stable one. */
export function stickySection(jr: JoinedRoom): ClientEvent[] {
  const section: unknown = jr.msc4354_sticky ?? jr.sticky;
  const events = isObj(section) ? section.events : undefined;
  // The server's JSON is not trusted: each event is checked (isWellFormed) where it is stored.
  return Array.isArray(events) ? events as unknown as ClientEvent[] : [];
}

export interface Stickiness {
  /** The event's own sticky duration (capped at an hour), as gomuks keeps it (`sticky_duration_ms`). */
  duration: number;
  /** When it stops being sticky, in local milliseconds since the epoch. */
  until: number;
}

/**
 * How long this event is sticky, from what the server sent; undefined for an event that is not sticky. The end is
 * `now` plus the remaining time the server gave (MSC4354: clients must use it), else the event's own start plus its
 * duration, where the start is its timestamp but never later than now (a timestamp in the future cannot stretch
 * it).
 */
export function stickiness(raw: ClientEvent, now: number): Stickiness | undefined {
  const field = raw.msc4354_sticky ?? raw.sticky;
  const declared = isObj(field) ? validMs(field.duration_ms) : undefined;
  const remaining = remainingMs(raw.unsigned);
  if (declared === undefined && remaining === undefined) return undefined;
  const duration = Math.min(declared ?? remaining ?? 0, MAX_STICKY_MS);
  const start = Math.min(serverMillis(raw.origin_server_ts) ?? now, now);
  const until = remaining !== undefined ? now + Math.min(remaining, MAX_STICKY_MS) : start + duration;
  return { duration, until };
}

/** `unsigned`'s remaining stickiness, under Synapse's unstable name or the MSC's stable ones. */
function remainingMs(unsigned: JSONObject | undefined): number | undefined {
  if (!isObj(unsigned)) return undefined;
  for (const key of ['msc4354_sticky_duration_ttl_ms', 'sticky_duration_ttl_ms', 'sticky_duration_remaining_ms']) {
    const v = validMs(unsigned[key]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A duration the server gave, in whole milliseconds as the store keeps it; undefined if it is none. */
function validMs(v: unknown): number | undefined {
  const ms = serverMillis(v);
  return ms !== undefined && ms >= 0 ? ms : undefined;
}

function isObj(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
