/**
 * gomuks' reset_master_key_tofu, the engine half: when another user's master key changed since it was first seen
 * (trust on first use), accept ("pin") the new one. This is not verification: it only stops warning about the
 * change. The `master_key` the user saw is compared first, so a key that changed again in between is not pinned.
 * A user who was verified before the change is no longer verified afterwards (their old verification is withdrawn):
 * the new key is trusted on first use, like any other.
 */
import { OtherUserIdentity, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';

/** The ed25519 public key (unpadded base64) inside the engine's JSON of a cross-signing key. */
export function masterKeyOf(identity: { masterKey: string }): string | undefined {
  const parsed = JSON.parse(identity.masterKey) as { keys?: Record<string, unknown> };
  const key = Object.values(parsed.keys ?? {}).find((v) => typeof v === 'string');
  return typeof key === 'string' ? key : undefined;
}

export async function pinMasterKey(machine: OlmMachine, userId: string, masterKey: string): Promise<void> {
  const identity = await machine.getIdentity(new UserId(userId));
  if (!identity) throw new Error(`No cross-signing identity is known for ${userId}: there is no master key to accept.`);
  try {
    if (!(identity instanceof OtherUserIdentity)) {
      throw new Error('Your own master key is not accepted on trust: verify this device with the recovery key (verify) or reset it (reset_encryption).');
    }
    const current = masterKeyOf(identity);
    // As shown: the fingerprint in groups of four, or the key itself (unpadded base64, or padded).
    if (current !== masterKey.replace(/\s+/g, '').replace(/=+$/, '')) {
      throw new Error(`The master key of ${userId} is now ${current ?? 'unknown'}, not ${masterKey}: it changed again; look at it before accepting it.`);
    }
    if (identity.hasVerificationViolation()) await identity.withdrawVerification();
    await identity.pinCurrentMasterKey();
  } finally {
    identity.free();
  }
}
