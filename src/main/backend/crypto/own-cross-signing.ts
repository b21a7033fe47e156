/**
 * This account's own cross-signing identity, as verify and reset_encryption need it (crypto/recovery.ts): waiting
 * until the engine knows the published identity, signing this device and the identity after secret storage gave
 * the private keys, and publishing new keys with the user-interactive auth the homeserver asks for.
 */
import { DeviceId, OwnUserIdentity, UserId } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine, SignatureUploadRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { MatrixClient } from '../matrix/client.ts';
import { MatrixError } from '../matrix/errors.ts';
import type { OutgoingRequests } from './outgoing-requests.ts';
import { SecretStorageError } from './secret-storage-crypto.ts';

export interface OwnAccount {
  machine: OlmMachine;
  outgoing: OutgoingRequests;
  client: MatrixClient;
  userId: string;
  deviceId: string;
}

/** Our own cross-signing identity as published; asks the server for it if the engine does not know it yet. */
export async function awaitOwnIdentity({ machine, outgoing, userId }: OwnAccount): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const identity = await machine.getIdentity(new UserId(userId));
    if (identity) {
      identity.free();
      return;
    }
    await machine.updateTrackedUsers([new UserId(userId)]);
    if (attempt > 0) await machine.markAllTrackedUsersAsDirty();
    await outgoing.flush();
  }
  throw new SecretStorageError('This account has no cross-signing identity on the server, so there is nothing to verify against: set up recovery with reset_encryption.');
}

/** Signs this device with the self-signing key and our master key with this device (gomuks' SignOwnDevice/SignOwnMasterKey). */
export async function signOwnDeviceAndIdentity({ machine, outgoing, userId, deviceId }: OwnAccount): Promise<void> {
  const device = await machine.getDevice(new UserId(userId), new DeviceId(deviceId));
  if (!device) throw new SecretStorageError('The encryption engine does not know this device yet; try again once it has synced.');
  let req: SignatureUploadRequest;
  try {
    req = await device.verify();
  } finally {
    device.free();
  }
  await outgoing.send(req);
  const identity = await machine.getIdentity(new UserId(userId));
  if (identity instanceof OwnUserIdentity) {
    try {
      await outgoing.send(await identity.verify());
    } finally {
      identity.free();
    }
  }
  // The engine learns of the new signatures from a key query; ask now rather than wait for the next change.
  await machine.markAllTrackedUsersAsDirty();
  await outgoing.flush();
}

/** Publishes the cross-signing keys, answering the server's user-interactive auth with the account password. */
export async function uploadSigningKeys({ client, userId }: OwnAccount, body: string, password: string | undefined): Promise<void> {
  const api = client.crypto;
  try {
    await api.uploadSigningKeys(body);
    return;
  } catch (e) {
    if (!(e instanceof MatrixError) || e.status !== 401) throw e;
    const uia = (e.body ?? {}) as { session?: string; flows?: { stages?: string[] }[] };
    const passwordFlow = uia.flows?.some((f) => f.stages?.length === 1 && f.stages[0] === 'm.login.password');
    if (!passwordFlow) {
      const flows = (uia.flows ?? []).map((f) => (f.stages ?? []).join(' → ')).join('; ') || 'none given';
      throw new SecretStorageError(`The homeserver wants an authentication Lattice cannot do here to publish cross-signing keys (flows: ${flows}).`);
    }
    if (!password) throw new SecretStorageError('The homeserver asks for your account password to publish new cross-signing keys: give it as account_password.');
    try {
      await api.uploadSigningKeys(body, {
        type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, session: uia.session,
      });
    } catch (e2) {
      if (e2 instanceof MatrixError && (e2.status === 401 || e2.errcode === 'M_FORBIDDEN')) {
        throw new SecretStorageError('The homeserver refused the account password, so the new cross-signing keys were not published.');
      }
      throw e2;
    }
  }
}
