/**
 * Accepting another user's changed master key (reset_master_key_tofu's engine half) with two real engines: Bob's
 * makes cross-signing keys, Alice's learns them from a keys query answer built from Bob's upload, Bob resets them,
 * Alice's engine then wants approval until the new key is pinned; a stale key or one's own identity is refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceId, KeysQueryRequest, OlmMachine, OtherUserIdentity, RequestType, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { masterKeyOf, pinMasterKey } from '../../src/main/backend/crypto/recovery-tofu.ts';

const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';

/** Bob's new cross-signing public keys, as his client uploads them. */
async function bobSigningKeys(bob: OlmMachine): Promise<{ master_key: object; self_signing_key: object }> {
  const reqs = await bob.bootstrapCrossSigning(true);
  return JSON.parse(reqs.uploadSigningKeysRequest.body) as { master_key: object; self_signing_key: object };
}

/** Answers Alice's pending keys queries with Bob's keys. */
async function answerQueries(alice: OlmMachine, keys: { master_key: object; self_signing_key: object }): Promise<void> {
  const requests = await alice.outgoingRequests() as { id?: string; type: RequestType }[];
  const queries = requests.filter((r): r is KeysQueryRequest => r instanceof KeysQueryRequest);
  assert.ok(queries.length > 0, 'Alice asks for keys');
  for (const q of queries) {
    const response = {
      device_keys: { [BOB]: {} }, failures: {},
      master_keys: { [BOB]: keys.master_key }, self_signing_keys: { [BOB]: keys.self_signing_key },
    };
    await alice.markRequestAsSent(q.id, RequestType.KeysQuery, JSON.stringify(response));
  }
}

async function bobIdentity(alice: OlmMachine): Promise<OtherUserIdentity> {
  const id = await alice.getIdentity(new UserId(BOB));
  assert.ok(id instanceof OtherUserIdentity);
  return id;
}

describe('accepting a changed master key (TOFU)', () => {
  it('pins the new key only when it is the one shown, and never one\'s own', async () => {
    await initAsync();
    const alice = await OlmMachine.initialize(new UserId(ALICE), new DeviceId('ALICEDEV'));
    const bob = await OlmMachine.initialize(new UserId(BOB), new DeviceId('BOBDEV'));
    try {
      await alice.updateTrackedUsers([new UserId(BOB)]);
      await answerQueries(alice, await bobSigningKeys(bob));
      const first = await bobIdentity(alice);
      assert.equal(first.identityNeedsUserApproval(), false, 'the first key is trusted on first use');
      const firstKey = masterKeyOf(first)!;

      // Bob resets his cross-signing: Alice's engine sees another master key and wants approval.
      await alice.markAllTrackedUsersAsDirty();
      await answerQueries(alice, await bobSigningKeys(bob));
      const changed = await bobIdentity(alice);
      const newKey = masterKeyOf(changed)!;
      assert.notEqual(newKey, firstKey);
      assert.equal(changed.identityNeedsUserApproval(), true);

      await assert.rejects(pinMasterKey(alice, BOB, firstKey), /changed again/);
      assert.equal((await bobIdentity(alice)).identityNeedsUserApproval(), true, 'nothing pinned by a stale key');
      await pinMasterKey(alice, BOB, newKey);
      assert.equal((await bobIdentity(alice)).identityNeedsUserApproval(), false);

      await assert.rejects(pinMasterKey(alice, '@nobody:example.org', newKey), /No cross-signing identity is known/);
      await alice.bootstrapCrossSigning(true);
      await assert.rejects(pinMasterKey(alice, ALICE, 'x'), /own master key/);
    } finally {
      alice.close();
      bob.close();
    }
  });
});
