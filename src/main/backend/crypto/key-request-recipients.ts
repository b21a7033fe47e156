/**
 * Who is asked for a missing room key. The engine addresses its `m.room_key_request` (and the cancellation that
 * follows once the key arrived) to every device of our own user (`*`); the homeserver would then deliver it to
 * devices this one does not trust, which learn which sessions we lack. Lattice asks only this account's other
 * devices that this device has verified (directly or by cross-signing): the only ones whose forwarded keys the
 * engine accepts anyway. The sender's devices are never asked (the engine does not address them either, and
 * anything not for our own user is dropped here).
 *
 * The request keeps its ID and transaction ID, so the engine's bookkeeping (answers, cancellations) is unchanged.
 */
import { UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';

export const ROOM_KEY_REQUEST = 'm.room_key_request';

type Messages = Record<string, Record<string, unknown>>;

/**
 * The body of a room key request (`{"messages": …}`) readdressed to our verified other devices; undefined when
 * there is no such device (then nothing is sent).
 */
export async function toVerifiedOwnDevices(machine: OlmMachine, body: string): Promise<string | undefined> {
  const userId = machine.userId.toString();
  const ownDevice = machine.deviceId.toString();
  const { messages } = JSON.parse(body) as { messages?: Messages };
  const addressed = messages?.[userId] ?? {};
  const entries = Object.entries(addressed);
  if (entries.length === 0) return undefined;
  const verified = await verifiedOwnDevices(machine, userId, ownDevice);
  const out: Record<string, unknown> = {};
  for (const [device, content] of entries) {
    if (device === '*') for (const d of verified) out[d] = content;
    else if (verified.includes(device)) out[device] = content;
  }
  if (Object.keys(out).length === 0) return undefined;
  return JSON.stringify({ messages: { [userId]: out } });
}

async function verifiedOwnDevices(machine: OlmMachine, userId: string, ownDevice: string): Promise<string[]> {
  const devices = await machine.getUserDevices(new UserId(userId));
  const out: string[] = [];
  try {
    for (const d of devices.devices()) {
      try {
        const id = d.deviceId.toString();
        if (id !== ownDevice && !d.isDeleted() && !d.isBlacklisted() && d.isVerified()) out.push(id);
      } finally {
        d.free();
      }
    }
  } finally {
    devices.free();
  }
  return out;
}
