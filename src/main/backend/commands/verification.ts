/**
 * Handlers of the devices, trust and verification area: gomuks' device commands read from the crypto engine, and
 * Lattice's interactive verification commands (crypto/verification.ts does the flows).
 */
import { DeviceId, OtherUserIdentity, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { RespDeviceInfo, verificationCommands } from '../../../shared/rpc/commands.ts';
import type { CryptoEngine } from '../crypto/crypto-session.ts';
import { profileDevice, profileEncryptionInfo, trackUser } from '../crypto/devices.ts';
import { pinMasterKey } from '../crypto/recovery-tofu.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function verificationHandlers(ctx: CommandContext): AreaHandlers<typeof verificationCommands> {
  const engine = (): Promise<CryptoEngine> => {
    const { crypto } = ctx.requireSession();
    if (!crypto) throw new Error('End-to-end encryption is not running (no secret store to keep its keys in).');
    return crypto.engine();
  };
  return {
    track_user_devices: async ({ user_id: userId }) => {
      const { machine, outgoing } = await engine();
      await trackUser(machine, outgoing, userId);
      return profileEncryptionInfo(machine, userId);
    },
    get_profile_encryption_info: async ({ user_id: userId }) => profileEncryptionInfo((await engine()).machine, userId),
    get_own_devices: async (_params, signal) => {
      const s = ctx.requireSession();
      const { machine } = await engine();
      const [encryption, listed, own] = await Promise.all([
        profileEncryptionInfo(machine, s.userId),
        s.client.account.devices(signal),
        machine.getDevice(new UserId(s.userId), new DeviceId(s.deviceId)),
      ]);
      return {
        encryption,
        devices: Array.isArray(listed.devices) ? listed.devices.filter(isDeviceInfo) : [],
        current_device: own ? profileDevice(own, !!encryption.identity_changed) : null,
      };
    },
    reset_master_key_tofu: async ({ user_id: userId, master_key: masterKey }) => {
      const { machine } = await engine();
      await pinMasterKey(machine, userId, masterKey);
      return profileEncryptionInfo(machine, userId);
    },
    pin_user_identity: async ({ user_id: userId }) => {
      const identity = await (await engine()).machine.getIdentity(new UserId(userId));
      if (!(identity instanceof OtherUserIdentity)) throw new Error(`${userId} has no identity (cross-signing keys) to accept.`);
      if (identity.hasVerificationViolation()) await identity.withdrawVerification();
      await identity.pinCurrentMasterKey();
      return true;
    },
    request_verification: async ({ user_id: userId, device_id: deviceId, room_id: roomId }) =>
      (await engine()).verifications.request(userId, deviceId, roomId),
    accept_verification: async ({ user_id: userId, transaction_id: flowId }) => (await engine()).verifications.accept(userId, flowId),
    start_sas: async ({ user_id: userId, transaction_id: flowId }) => (await engine()).verifications.startSas(userId, flowId),
    confirm_sas: async ({ user_id: userId, transaction_id: flowId }) => (await engine()).verifications.confirm(userId, flowId),
    cancel_verification: async ({ user_id: userId, transaction_id: flowId, reason }) =>
      (await engine()).verifications.cancel(userId, flowId, reason ?? 'user'),
    get_verifications: async (params) => (await engine()).verifications.list(params?.user_id),
  };
}

function isDeviceInfo(d: unknown): d is RespDeviceInfo {
  return typeof d === 'object' && d !== null && typeof (d as { device_id?: unknown }).device_id === 'string';
}
