/**
 * A key that arrives late, engineered without timing: the backend's homeserver traffic goes through a fetch that
 * can hold back the encrypted to-device events of /sync responses (where room keys travel) and hand them over in a
 * later response, so the backend stores a peer's event before it has its key, exactly as when a key is slow to come.
 */

/**
 * A fetch for the backend that, while `holding`, takes the encrypted to-device events (those from one sender, when
 * `hold` names one) out of /sync responses and puts them, in order, into the first response after `release()`.
 */
export function toDeviceGate() {
  let holding = false;
  let from: string | undefined;
  let held: ToDeviceEvent[] = [];
  const gate = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const resp = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/_matrix\/client\/v3\/sync\b/.test(url) || resp.status !== 200) return resp;
    const body = await resp.json() as { to_device?: { events?: ToDeviceEvent[] } };
    const events = body.to_device?.events ?? [];
    const held_ = (e: ToDeviceEvent) => e.type === 'm.room.encrypted' && (from === undefined || e.sender === from);
    if (holding) {
      held.push(...events.filter(held_));
      body.to_device = { events: events.filter((e) => !held_(e)) };
    } else if (held.length) {
      body.to_device = { events: [...held, ...events] };
      held = [];
    }
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return {
    fetch: gate,
    hold(sender?: string) { holding = true; from = sender; },
    release() { holding = false; },
    get heldCount() { return held.length; },
  };
}
/** What the gate looks at in a to-device event. */
export interface ToDeviceEvent { type?: string; sender?: string }
