/**
 * How the engine's verification states read as the contract's phases (with stand-ins for the engine's request and
 * SAS objects), and the key fingerprint format. The flows themselves are proven against matrix-js-sdk in
 * test/integration/e2ee-verification.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerificationRequestPhase } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { Sas, VerificationRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import { fingerprint } from '../../src/main/backend/crypto/devices.ts';
import { readFlow } from '../../src/main/backend/crypto/verification-flow.ts';

const id = (s: string) => ({ toString: () => s });

function request(phase: VerificationRequestPhase, extra: Record<string, unknown> = {}): VerificationRequest {
  return {
    flowId: 'txn1', otherUserId: id('@bob:example.org'), otherDeviceId: id('BOBDEV'), roomId: undefined,
    phase: () => phase, weStarted: () => true, isSelfVerification: () => false, cancelInfo: undefined, ...extra,
  } as unknown as VerificationRequest;
}

function sas(state: Partial<Record<'isCancelled' | 'isDone' | 'haveWeConfirmed' | 'canBePresented', boolean>>, extra: Record<string, unknown> = {}): Sas {
  return {
    otherDeviceId: id('BOBDEV'),
    isCancelled: () => !!state.isCancelled, isDone: () => !!state.isDone,
    haveWeConfirmed: () => !!state.haveWeConfirmed, canBePresented: () => !!state.canBePresented,
    emoji: () => [{ symbol: '🐶', description: 'Dog' }, ...Array.from({ length: 6 }, () => ({ symbol: '🔑', description: 'Key' }))],
    decimals: () => Uint16Array.from([1234, 5678, 4321]),
    cancelInfo: () => undefined,
    ...extra,
  } as unknown as Sas;
}

describe('verification flows as the frontend sees them', () => {
  it('names the request phases', () => {
    assert.equal(readFlow(request(VerificationRequestPhase.Created), undefined).phase, 'created');
    assert.equal(readFlow(request(VerificationRequestPhase.Requested), undefined).phase, 'requested');
    assert.equal(readFlow(request(VerificationRequestPhase.Ready), undefined).phase, 'ready');
    assert.equal(readFlow(request(VerificationRequestPhase.Done), undefined).phase, 'done');
    const flow = readFlow(request(VerificationRequestPhase.Ready), undefined);
    assert.deepEqual(flow, { transaction_id: 'txn1', user_id: '@bob:example.org', device_id: 'BOBDEV', phase: 'ready', we_started: true, self_verification: false });
  });

  it('follows the SAS once the request has transitioned, with the emoji only when they can be shown', () => {
    const transitioned = request(VerificationRequestPhase.Transitioned);
    assert.equal(readFlow(transitioned, undefined).phase, 'started');
    assert.equal(readFlow(transitioned, sas({})).phase, 'started');
    assert.equal(readFlow(transitioned, sas({})).sas, undefined);
    const shown = readFlow(transitioned, sas({ canBePresented: true }));
    assert.equal(shown.phase, 'sas');
    assert.equal(shown.sas?.emoji.length, 7);
    assert.deepEqual(shown.sas?.emoji[0], { symbol: '🐶', description: 'Dog' });
    assert.deepEqual(shown.sas?.decimals, [1234, 5678, 4321]);
    assert.equal(readFlow(transitioned, sas({ canBePresented: true, haveWeConfirmed: true })).phase, 'confirmed');
    assert.equal(readFlow(transitioned, sas({ isDone: true })).phase, 'done');
  });

  it('says who cancelled and why', () => {
    const info = { cancelCode: () => 'm.mismatched_sas', reason: () => 'The short auth string did not match', cancelledbyUs: () => true };
    const bySas = readFlow(request(VerificationRequestPhase.Transitioned), sas({ isCancelled: true }, { cancelInfo: () => info }));
    assert.deepEqual(bySas.cancel, { code: 'm.mismatched_sas', reason: 'The short auth string did not match', by_us: true });
    const theirs = { cancelCode: () => 'm.user', reason: () => 'The user cancelled the verification.', cancelledbyUs: () => false };
    const byRequest = readFlow(request(VerificationRequestPhase.Cancelled, { cancelInfo: theirs }), undefined);
    assert.equal(byRequest.phase, 'cancelled');
    assert.deepEqual(byRequest.cancel, { code: 'm.user', reason: 'The user cancelled the verification.', by_us: false });
  });

  it('groups key fingerprints in fours', () => {
    assert.equal(fingerprint('abcdefghij'), 'abcd efgh ij');
    assert.equal(fingerprint(''), '');
  });
});
