/**
 * Devices, trust and interactive verification.
 *
 * `track_user_devices`, `get_profile_encryption_info` and `get_own_devices` are gomuks' commands with its shapes.
 * Interactive emoji (SAS) verification is a Lattice extension (gomuks has none): a flow is identified by its
 * `transaction_id` (the to-device transaction ID, or for a request in a room the request event's ID), every change
 * of a flow is pushed as a `verification_update` event carrying the whole `VerificationFlow`, and each command
 * answers with the flow as it is after the command.
 *
 * A flow goes: `requested` (they asked us) or `created` (we asked them) → `ready` (both agreed; either side may
 * start the emoji comparison) → `started` (SAS keys being exchanged) → `sas` (the seven emoji and three numbers are
 * in `sas`: the user compares them with the other screen) → `confirmed` (we said they match, waiting for the other
 * side) → `done` (both sides now trust each other's key). At any point it may end `cancelled`, with `cancel` saying
 * by whom and why. An SAS the other side starts is accepted by the backend once the user has accepted the request,
 * so both kinds of flow show the emoji without another step.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { empty, roomIdField, userIdField } from './fields.ts';

/** gomuks' trust states (mautrix' `id.TrustState`); Lattice produces the first six. */
export type TrustState = 'blacklisted' | 'unverified' | 'verified'
  | 'cross-signed-untrusted' | 'cross-signed-tofu' | 'cross-signed-verified'
  | 'unknown-device' | 'forwarded' | 'invalid';

export interface ProfileDevice {
  device_id: string;
  name: string;
  /** Curve25519, unpadded base64. */
  identity_key: string;
  /** Ed25519, unpadded base64. */
  signing_key: string;
  /** The signing key in groups of four characters, as users compare it. */
  fingerprint: string;
  trust_state: TrustState;
}

export interface ProfileEncryptionInfo {
  /** False when this device does not follow the user's devices (then everything else is empty). */
  devices_tracked: boolean;
  devices: ProfileDevice[];
  /** Fingerprint of the user's current master (cross-signing) key; empty without cross-signing. */
  master_key: string;
  /**
   * Fingerprint of the master key this device trusted first. Lattice keeps no history of old keys: this equals
   * `master_key` while the identity is the one first seen (or verified), and is empty once it changed — compare
   * the two, as gomuks' UI does, or read `identity_changed`.
   */
  first_master_key: string;
  /** We have verified (signed) the user's master key; for our own user: this device trusts our identity. */
  user_trusted: boolean;
  /** Problems with the user's keys, in words (gomuks sends null when there are none; so does Lattice). */
  errors: string[] | null;
  /**
   * Lattice extension: the user's master key changed since this device first saw it and the change has not been
   * approved (`reset_master_key_tofu`, `pin_user_identity`) or verified again. Messages are still encrypted for the user's devices.
   */
  identity_changed?: boolean;
  /** Lattice extension: the user was verified before and their identity changed since (a stronger warning). */
  verification_violation?: boolean;
}

/** A device as GET /_matrix/client/v3/devices lists it. */
export interface RespDeviceInfo {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
}

export interface GetOwnDevicesResponse {
  encryption: ProfileEncryptionInfo;
  /** The account's devices as the homeserver lists them (GET /devices). */
  devices: RespDeviceInfo[];
  current_device: ProfileDevice | null;
}

/**
 * Lattice extension, pushed as `user_identity_update` whenever the engine reports that a user's cross-signing
 * identity was first seen, changed, verified or accepted (gomuks has no such event). The fields are those of
 * get_profile_encryption_info at that moment; a frontend showing the user refreshes its view, and warns while
 * `identity_changed` is set. Also pushed for our own user when /sync says our device list changed (a session
 * signed in or out), so a list of our sessions reloads.
 */
export interface UserIdentityUpdate {
  user_id: string;
  /** Fingerprint of the user's current master key (empty when the user has no cross-signing keys any more). */
  master_key: string;
  /** The master key changed since this device first saw it, and the change is not yet accepted or verified. */
  identity_changed: boolean;
  /** The user was verified before the change (the stronger warning). */
  verification_violation: boolean;
  /** We have verified the user's current identity (for our own user: this device trusts it). */
  user_trusted: boolean;
}

export type VerificationPhase = 'created' | 'requested' | 'ready' | 'started' | 'sas' | 'confirmed' | 'done' | 'cancelled';

export interface SasEmoji {
  symbol: string;
  /** The spec's English name, e.g. "Dog". */
  description: string;
}

/** One interactive verification, as the backend last saw it (Lattice extension). */
export interface VerificationFlow {
  transaction_id: string;
  /** The other user (our own user ID when verifying one of our devices). */
  user_id: string;
  /** The other device, once known (a request to all of a user's devices learns it when one answers). */
  device_id?: string;
  /** Set for a verification of a user in a room (a DM), absent for a to-device flow. */
  room_id?: string;
  phase: VerificationPhase;
  we_started: boolean;
  /** Verifying one of our own devices. */
  self_verification: boolean;
  /** When phase is `sas` or `confirmed`: what both screens must show. */
  sas?: { emoji: SasEmoji[]; decimals: number[] };
  /** When phase is `cancelled`. */
  cancel?: { code: string; reason: string; by_us: boolean };
}

const transactionId = z.string().min(1, 'must be a verification transaction ID');

export const verificationCommands = {
  /**
   * Starts following a user's devices (a keys query) if this device does not yet, then answers like
   * get_profile_encryption_info.
   */
  track_user_devices: command(z.object({ user_id: userIdField })).returns<ProfileEncryptionInfo>(),
  /** A user's devices with their trust, and the user's cross-signing state, as this device knows them. */
  get_profile_encryption_info: command(z.object({ user_id: userIdField })).returns<ProfileEncryptionInfo>(),
  /** Our devices: their encryption info, the homeserver's device list and this device. */
  get_own_devices: command(empty).returns<GetOwnDevicesResponse>(),
  /**
   * gomuks' reset_master_key_tofu: accepts another user's changed master key as the one trusted on first use, so it
   * is no longer reported as changed. This is not verification. `master_key` is the key the user was shown (the
   * `master_key` of get_profile_encryption_info, spaces allowed): if the user's key changed again since, nothing
   * is accepted and the answer is an error. Answers the user's encryption info after the change.
   */
  reset_master_key_tofu: command(z.object({
    user_id: userIdField,
    master_key: z.string().trim().min(1, 'master_key must be the master key fingerprint the user was shown'),
  })).returns<ProfileEncryptionInfo>(),
  /**
   * Lattice extension: accepts a user's changed identity (their new master key) so it is no longer reported as
   * changed; verifying the user again does the same and more.
   */
  pin_user_identity: command(z.object({ user_id: userIdField })).returns<boolean>(),
  /**
   * Lattice extension: asks to verify a device or a user. With `device_id`, that device is asked by to-device
   * message. Without it, our own user's other devices are all asked (the first to answer takes the flow), and
   * another user is asked in a room (`room_id`, else the DM with them) — they need cross-signing keys for that.
   */
  request_verification: command(z.object({
    user_id: userIdField,
    device_id: z.string().min(1).optional(),
    room_id: roomIdField.optional(),
  })).returns<VerificationFlow>(),
  /** Lattice extension: accepts a verification request we received (phase `requested` → `ready`). */
  accept_verification: command(z.object({ user_id: userIdField, transaction_id: transactionId })).returns<VerificationFlow>(),
  /** Lattice extension: starts the emoji comparison on a ready request (either side may). */
  start_sas: command(z.object({ user_id: userIdField, transaction_id: transactionId })).returns<VerificationFlow>(),
  /**
   * Lattice extension: the user says the emoji match. The flow ends `done` once the other side confirms too;
   * never call this without the user's comparison, it is what makes the other key trusted.
   */
  confirm_sas: command(z.object({ user_id: userIdField, transaction_id: transactionId })).returns<VerificationFlow>(),
  /**
   * Lattice extension: cancels a flow at any step. `reason` is `mismatch` when the emoji differ (the other side is
   * told `m.mismatched_sas`), otherwise `user` (`m.user`, the default).
   */
  cancel_verification: command(z.object({
    user_id: userIdField,
    transaction_id: transactionId,
    reason: z.enum(['user', 'mismatch']).optional(),
  })).returns<VerificationFlow>(),
  /** Lattice extension: the flows in progress or recently ended (with a user, or all of them). */
  get_verifications: command(z.object({ user_id: userIdField.optional() }).optional()).returns<VerificationFlow[]>(),
} satisfies CommandArea;
