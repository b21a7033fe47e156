/**
 * The crypto half of processing one /sync response, run before the database transaction: feed the engine what the
 * response carries for it (to-device events, device list changes, one-time-key counts, unused fallback keys), then
 * decrypt the room events.
 *
 * A crash between this and the transaction means the same response is fetched and fed again, after the engine's
 * own store has already advanced. That is safe: to-device events the engine consumed are already in its store (a
 * room key received again is merged, an Olm message seen twice fails without harm), and decrypting a megolm event
 * again gives the same cleartext (the engine's replay check accepts the same event ID and timestamp). So the events
 * are stored once, with the same result either way.
 */
import {
  DecryptionErrorCode, DecryptionSettings, DeviceLists, MegolmDecryptionError, RoomId, TrustRequirement, UserId,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { ClientEvent, SyncResponse } from '../matrix/types.ts';
import type { Decryption } from '../sync/prepared.ts';
import { bundledEdit } from '../sync/bundled-edit.ts';
import { stickySection } from '../sync/sticky.ts';

/**
 * What the engine last received from a response with no to-device events and no device list changes: its key
 * counts and when, per engine. See feedSync.
 */
const lastQuietFeed = new WeakMap<OlmMachine, { keys: string; at: number }>();

/**
 * A response with nothing new for the engine is not fed to it again within this long of the last one fed. The
 * engine's other work per call (expiring finished or timed-out verifications, which time out after minutes) waits
 * at most this long.
 */
export const QUIET_FEED_INTERVAL_MS = 10_000;

/** The to-device events of a response (none when it has no such list). */
export function toDeviceEvents(resp: SyncResponse): JSONObject[] {
  return Array.isArray(resp.to_device?.events) ? resp.to_device.events : [];
}

/**
 * Feeds the engine the response's key counts and device list changes with `toDevice` (by default all its to-device
 * events). Returns the to-device events as the engine processed them (decrypted where they were encrypted), or
 * undefined when the response was not fed (see below).
 *
 * A response without to-device events or device list changes whose one-time-key counts and unused fallback key
 * types are those the engine was last given changes nothing the engine keeps: it would only set the same counts
 * again. Each call still costs a store transaction in which the engine copies its account (a pickle and unpickle,
 * about 3 ms of CPU), which while catching up is paid for every response. So such a response is not fed again
 * within QUIET_FEED_INTERVAL_MS of the last call; a response with anything new always is.
 */
export async function feedSync(machine: OlmMachine, resp: SyncResponse, now = Date.now(), toDevice = toDeviceEvents(resp)): Promise<readonly { rawEvent: string }[] | undefined> {
  const changed = userIds(resp.device_lists?.changed);
  const left = userIds(resp.device_lists?.left);
  const counts = new Map<string, number>();
  for (const [algorithm, n] of Object.entries(resp.device_one_time_keys_count ?? {})) if (typeof n === 'number') counts.set(algorithm, n);
  // Absent means the server does not report fallback keys; an empty list means ours was used up.
  const fallback = Array.isArray(resp.device_unused_fallback_key_types) ? new Set(resp.device_unused_fallback_key_types) : undefined;
  const quiet = toDevice.length === 0 && changed.length === 0 && left.length === 0;
  const keys = JSON.stringify([[...counts].sort(), fallback && [...fallback].sort()]);
  const last = lastQuietFeed.get(machine);
  if (quiet && last?.keys === keys && now - last.at < QUIET_FEED_INTERVAL_MS) return undefined;
  const processed = await machine.receiveSyncChanges(JSON.stringify(toDevice), new DeviceLists(changed, left), counts, fallback);
  if (quiet) lastQuietFeed.set(machine, { keys, at: now });
  else lastQuietFeed.delete(machine);
  return processed;
}

/**
 * Decrypts every encrypted timeline and sticky event of the joined rooms, and the encrypted edits the server bundled
 * with timeline events (sync/bundled-edit.ts); the result is keyed by event ID.
 */
export async function decryptSync(machine: OlmMachine, resp: SyncResponse): Promise<Map<string, Decryption>> {
  const out = new Map<string, Decryption>();
  let edits: [roomId: string, edit: ClientEvent][] | undefined;
  for (const [roomId, room] of Object.entries(resp.rooms?.join ?? {})) {
    const timeline = room?.timeline?.events;
    // Sticky events outside the timeline (MSC4354; encrypted ones carry calls' membership) are decrypted too.
    const events = [...(Array.isArray(timeline) ? timeline : []), ...(room ? stickySection(room) : [])];
    for (const ev of events) {
      // Any message's, also of one sent before the room was encrypted.
      const edit = bundledEdit(roomId, ev);
      if (isEncrypted(edit)) (edits ??= []).push([roomId, edit]);
      if (!isEncrypted(ev)) continue;
      out.set(ev.event_id, await decryptEvent(machine, roomId, ev));
    }
  }
  // After the timelines: an edit that came in the same batch as its message is decrypted there already.
  for (const [roomId, edit] of edits ?? []) {
    if (!out.has(edit.event_id)) out.set(edit.event_id, await decryptEvent(machine, roomId, edit));
  }
  return out;
}

/** Redacted encrypted events have empty content: nothing to decrypt. */
export function isEncrypted(ev: ClientEvent | undefined): ev is ClientEvent {
  return typeof ev === 'object' && ev !== null && ev.type === 'm.room.encrypted' && typeof ev.event_id === 'string'
    && typeof ev.content === 'object' && ev.content !== null && typeof ev.content.algorithm === 'string';
}

export async function decryptEvent(machine: OlmMachine, roomId: string, ev: ClientEvent): Promise<Decryption> {
  try {
    const settings = new DecryptionSettings(TrustRequirement.Untrusted);
    const result = await machine.decryptRoomEvent(JSON.stringify({ ...ev, room_id: roomId }), new RoomId(roomId), settings);
    const clear = JSON.parse(result.event) as { type?: unknown; content?: unknown };
    if (typeof clear.type !== 'string' || typeof clear.content !== 'object' || clear.content === null || Array.isArray(clear.content)) {
      return { error: 'The decrypted message has no type or content.' };
    }
    return { decrypted: clear.content as JSONObject, decrypted_type: clear.type };
  } catch (e) {
    return { error: describeDecryptionError(e) };
  }
}

function describeDecryptionError(e: unknown): string {
  if (!(e instanceof MegolmDecryptionError)) return `Could not decrypt: ${e instanceof Error ? e.message : String(e)}`;
  switch (e.code) {
    case DecryptionErrorCode.MissingRoomKey:
      return e.maybe_withheld ? `The sender withheld the key for this message (${e.maybe_withheld}).` : 'The key to decrypt this message has not arrived.';
    case DecryptionErrorCode.UnknownMessageIndex:
      return 'The key this device has for this message starts after it, so this message cannot be decrypted with it.';
    case DecryptionErrorCode.MismatchedIdentityKeys:
    case DecryptionErrorCode.MismatchedSender:
      return `This message was refused: its key does not belong to its sender (${e.description}).`;
    case DecryptionErrorCode.UnknownSenderDevice:
    case DecryptionErrorCode.UnsignedSenderDevice:
    case DecryptionErrorCode.SenderIdentityVerificationViolation:
      return `This message was refused because of its sender's device: ${e.description}`;
    case DecryptionErrorCode.UnableToDecrypt:
      return `Could not decrypt: ${e.description}`;
    default:
      return `Could not decrypt: ${e.description}`;
  }
}

function userIds(list: unknown): UserId[] {
  const out: UserId[] = [];
  if (!Array.isArray(list)) return out;
  for (const u of list) {
    if (typeof u !== 'string') continue;
    try {
      out.push(new UserId(u));
    } catch {
      // A malformed user ID from the server is skipped rather than failing the whole sync.
    }
  }
  return out;
}
