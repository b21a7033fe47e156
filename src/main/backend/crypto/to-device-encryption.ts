/**
 * gomuks' `send_to_device` with `encrypted: true`: each device's content is encrypted with Olm for that device by
 * the engine, and everything goes out as one `m.room.encrypted` to-device request (the event type travels inside
 * the ciphertext). `*` as a device means every device of that user this device knows of (but never itself).
 *
 * The devices must be known (a keys query for users not followed yet) and have an Olm session (one-time keys
 * claimed for those without); a device without encryption keys is refused in words rather than skipped, so the
 * caller knows its message did not go. Sends are serialized: the engine wants messages encrypted for one device
 * to be sent in the order they were encrypted.
 */
import { randomBytes } from 'node:crypto';
import { UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Device, OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { CryptoApi } from '../matrix/api/crypto.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

/** user ID → device ID (or `*`) → content. */
export type ToDeviceMessages = Record<string, Record<string, JSONObject>>;

export class ToDeviceEncryptor {
  private readonly machine: OlmMachine;
  private readonly outgoing: OutgoingRequests;
  private readonly api: CryptoApi;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(machine: OlmMachine, outgoing: OutgoingRequests, api: CryptoApi) {
    this.machine = machine;
    this.outgoing = outgoing;
    this.api = api;
  }

  send(type: string, messages: ToDeviceMessages, signal: AbortSignal): Promise<void> {
    const run = this.chain.then(() => this.encryptAndSend(type, messages, signal));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async encryptAndSend(type: string, messages: ToDeviceMessages, signal: AbortSignal): Promise<void> {
    const userIds = Object.keys(messages);
    if (userIds.length === 0) return;
    const ids = () => userIds.map((u) => new UserId(u));
    await this.machine.updateTrackedUsers(ids());
    // The keys query for users not followed yet has to be answered before the engine knows their devices.
    await this.outgoing.flush();
    const claim = await this.machine.getMissingSessions(ids());
    if (claim) await this.outgoing.send(claim);

    const ownUser = this.machine.userId.toString();
    const ownDevice = this.machine.deviceId.toString();
    const out: Record<string, Record<string, JSONObject>> = {};
    for (const userId of userIds) {
      const devices = await this.machine.getUserDevices(new UserId(userId));
      const known = new Map(devices.devices().filter((d) => !d.isDeleted()).map((d) => [d.deviceId.toString(), d] as const));
      try {
        for (const [deviceId, content] of Object.entries(messages[userId])) {
          const targets: Device[] = deviceId === '*'
            ? [...known.values()].filter((d) => !(userId === ownUser && d.deviceId.toString() === ownDevice))
            : [known.get(deviceId) ?? noDevice(userId, deviceId)];
          for (const d of targets) {
            const sealed = await d.encryptToDeviceEvent(type, content);
            (out[userId] ??= {})[d.deviceId.toString()] = JSON.parse(sealed) as JSONObject;
          }
        }
      } finally {
        for (const d of known.values()) d.free();
        devices.free();
      }
    }
    if (Object.keys(out).length === 0) return;
    const txnId = `latd${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
    await this.api.sendToDevice('m.room.encrypted', txnId, JSON.stringify({ messages: out }), signal);
  }
}

function noDevice(userId: string, deviceId: string): never {
  throw new Error(`${userId} has no device ${deviceId} with encryption keys that this device knows of, so nothing was sent.`);
}
