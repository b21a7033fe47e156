/**
 * Devices and trust as gomuks reports them (`get_profile_encryption_info` and friends), read from the engine.
 *
 * Trust of a device, strongest first: blacklisted; `verified` (verified by us directly, e.g. by emoji);
 * `cross-signed-verified` (signed by its owner, whose identity we verified); `cross-signed-tofu` (signed by its
 * owner, whose identity is the one we first saw); `cross-signed-untrusted` (signed by its owner, but the owner's
 * identity changed since and the change was not approved); `unverified` (not signed by its owner).
 *
 * A changed identity (the engine pins the first master key it sees per user) is reported, not enforced: rooms keep
 * encrypting for all the user's devices, as Element does by default, and `identity_changed` /
 * `verification_violation` plus an entry in `errors` tell the frontend to warn until the user verifies again or
 * accepts the new identity (`pin_user_identity`).
 */
import { OtherUserIdentity, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Device, OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { ProfileDevice, ProfileEncryptionInfo, TrustState, UserIdentityUpdate } from '../../../shared/rpc/index.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';

export async function isTracked(machine: OlmMachine, userId: string): Promise<boolean> {
  for (const u of await machine.trackedUsers()) if (u.toString() === userId) return true;
  return false;
}

/** Starts following the user's devices, and waits for the keys query that fetches them. */
export async function trackUser(machine: OlmMachine, outgoing: OutgoingRequests, userId: string): Promise<void> {
  if (await isTracked(machine, userId)) return;
  await machine.updateTrackedUsers([new UserId(userId)]);
  await outgoing.flush();
}

export async function profileEncryptionInfo(machine: OlmMachine, userId: string): Promise<ProfileEncryptionInfo> {
  const info: ProfileEncryptionInfo = {
    devices_tracked: false, devices: [], master_key: '', first_master_key: '', user_trusted: false, errors: null,
  };
  if (!(await isTracked(machine, userId))) return info;
  info.devices_tracked = true;
  const identity = await identityUpdate(machine, userId);
  const errors: string[] = [];
  if (identity) {
    info.master_key = identity.master_key;
    info.user_trusted = identity.user_trusted;
    info.first_master_key = identity.identity_changed ? '' : identity.master_key;
    info.identity_changed = identity.identity_changed;
    info.verification_violation = identity.verification_violation;
    if (identity.verification_violation) errors.push('This user was verified, but their identity has changed since: verify them again.');
    else if (identity.identity_changed) errors.push("This user's identity has changed since this device first saw it.");
  } else {
    errors.push('This user has no cross-signing keys.');
  }
  const devices = (await machine.getUserDevices(new UserId(userId))).devices();
  info.devices = devices.filter((d) => !d.isDeleted()).map((d) => profileDevice(d, !!identity?.identity_changed))
    .sort((a, b) => a.device_id.localeCompare(b.device_id));
  if (errors.length) info.errors = errors;
  return info;
}

/** The user's cross-signing identity as the engine holds it now; undefined when the user has none. */
export async function identityUpdate(machine: OlmMachine, userId: string): Promise<UserIdentityUpdate | undefined> {
  const identity = await machine.getIdentity(new UserId(userId));
  if (!identity) return undefined;
  try {
    const violation = identity.hasVerificationViolation();
    return {
      user_id: userId,
      master_key: fingerprint(masterKeyOf(identity.masterKey)),
      identity_changed: violation || (identity instanceof OtherUserIdentity && identity.identityNeedsUserApproval()),
      verification_violation: violation,
      user_trusted: identity.isVerified(),
    };
  } finally {
    identity.free();
  }
}

export function profileDevice(d: Device, identityChanged: boolean): ProfileDevice {
  const signing = d.ed25519Key?.toBase64() ?? '';
  return {
    device_id: d.deviceId.toString(),
    name: d.displayName ?? d.deviceId.toString(),
    identity_key: d.curve25519Key?.toBase64() ?? '',
    signing_key: signing,
    fingerprint: fingerprint(signing),
    trust_state: trustOf(d, identityChanged),
  };
}

function trustOf(d: Device, identityChanged: boolean): TrustState {
  if (d.isBlacklisted()) return 'blacklisted';
  if (d.isLocallyTrusted()) return 'verified';
  if (d.isCrossSigningTrusted()) return 'cross-signed-verified';
  if (d.isCrossSignedByOwner()) return identityChanged ? 'cross-signed-untrusted' : 'cross-signed-tofu';
  return 'unverified';
}

/** The ed25519 key of a cross-signing key as the engine gives it (the key's JSON). */
function masterKeyOf(json: string): string {
  try {
    const parsed = JSON.parse(json) as { keys?: Record<string, unknown> };
    const key = Object.values(parsed.keys ?? {})[0];
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}

/** Groups of four characters, the way keys are read out and compared. */
export function fingerprint(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? '';
}
