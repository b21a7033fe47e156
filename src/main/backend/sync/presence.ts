/**
 * m.presence events from /sync → stored presence per user. The server's `last_active_ago` is relative to when it
 * answered, so it is turned into an absolute time here, on receipt.
 */
import type { PresenceState, UserPresence } from '../../../shared/rpc/index.ts';
import type { Store } from '../store/store.ts';
import { serverMillis } from './server-millis.ts';

const STATES: ReadonlySet<string> = new Set<PresenceState>(['online', 'unavailable', 'offline']);

/** Parses one m.presence event; anything not shaped as the spec says is skipped (undefined). */
export function parsePresence(ev: unknown, now: number): UserPresence | undefined {
  if (!isObj(ev) || ev.type !== 'm.presence' || typeof ev.sender !== 'string' || !isObj(ev.content)) return undefined;
  const c = ev.content;
  if (typeof c.presence !== 'string' || !STATES.has(c.presence)) return undefined;
  const p: UserPresence = { user_id: ev.sender, presence: c.presence as PresenceState };
  if (typeof c.status_msg === 'string') p.status_msg = c.status_msg;
  const ago = serverMillis(c.last_active_ago);
  if (ago !== undefined && ago >= 0) p.last_active_ts = now - ago;
  if (typeof c.currently_active === 'boolean') p.currently_active = c.currently_active;
  return p;
}

/** Stores a sync response's presence events; returns the users whose presence they carried. */
export function ingestPresence(store: Store, events: unknown, now = Date.now()): UserPresence[] {
  if (!Array.isArray(events)) return [];
  const out = new Map<string, UserPresence>();
  for (const ev of events) {
    const p = parsePresence(ev, now);
    if (!p) continue;
    store.presence.put(p);
    out.set(p.user_id, p);
  }
  return [...out.values()];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
