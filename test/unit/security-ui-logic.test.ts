/**
 * The encryption screens' rules: which first-run step a session gets, when the app waits for the first check,
 * backend errors in words, passphrase checks, file names, the import and backup summaries, and the per-device
 * memory of a skipped step.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VerificationState } from '../../src/shared/rpc/types.ts';
import {
  checkNewPassphrase, describeBackup, describeImport, describeSetupError, describeVerifyError, encryptionNeed,
  exportFileName, gateView, recoveryKeyFileName, recoveryKeyFileText, reminderFor, type GateInput,
} from '../../src/renderer/ui/security/security-logic.ts';
import { deviceKey, parseChoice } from '../../src/renderer/ui/security/security-prefs.ts';

const vs = (v: Partial<VerificationState>): VerificationState => ({
  is_verified: false, state_checked: true, has_cross_signing: false, has_ssss: false, ...v,
});

describe('first-run encryption step', () => {
  const fresh: GateInput = { freshLogin: true, skipped: false, opened: false, stopWaiting: false };
  const restored: GateInput = { ...fresh, freshLogin: false };

  it('needs verifying when the account has cross-signing or secure backup, setting up when it has neither', () => {
    assert.equal(encryptionNeed(vs({ has_cross_signing: true, has_ssss: true })), 'verify');
    assert.equal(encryptionNeed(vs({ has_ssss: true })), 'verify');
    assert.equal(encryptionNeed(vs({ has_cross_signing: true })), 'verify');
    assert.equal(encryptionNeed(vs({})), 'setup');
    assert.equal(encryptionNeed(vs({ is_verified: true, has_cross_signing: true })), 'none');
    assert.equal(encryptionNeed(vs({ state_checked: false, has_cross_signing: true })), 'none');
    assert.equal(encryptionNeed(undefined), 'none');
  });

  it('right after a login: waits for the check, then shows the step until it is skipped', () => {
    assert.equal(gateView(vs({ state_checked: false }), fresh), 'wait');
    assert.equal(gateView(undefined, fresh), 'wait');
    assert.equal(gateView(vs({ state_checked: false }), { ...fresh, stopWaiting: true }), 'app', '"Continue without waiting"');
    assert.equal(gateView(vs({ has_cross_signing: true }), fresh), 'verify');
    assert.equal(gateView(vs({}), fresh), 'setup');
    assert.equal(gateView(vs({ is_verified: true, has_cross_signing: true }), fresh), 'app');
    assert.equal(gateView(vs({ has_cross_signing: true }), { ...fresh, skipped: true }), 'app');
    assert.equal(gateView(vs({ state_checked: false }), { ...fresh, skipped: true }), 'app');
  });

  it('a restored session or another browser is not stopped, unless the step is asked for again', () => {
    assert.equal(gateView(vs({ state_checked: false }), restored), 'app');
    assert.equal(gateView(vs({ has_cross_signing: true }), restored), 'app');
    assert.equal(gateView(vs({ has_cross_signing: true }), { ...restored, opened: true }), 'verify');
    assert.equal(gateView(vs({}), { ...restored, skipped: true, opened: true }), 'setup');
    assert.equal(gateView(vs({ is_verified: true }), { ...restored, opened: true }), 'app');
  });

  it('reminds of an unverified session until dismissed', () => {
    assert.equal(reminderFor(vs({ has_ssss: true }), false), 'verify');
    assert.equal(reminderFor(vs({}), false), 'setup');
    assert.equal(reminderFor(vs({}), true), 'none');
    assert.equal(reminderFor(vs({ is_verified: true }), false), 'none');
    assert.equal(reminderFor(vs({ state_checked: false }), false), 'none');
  });
});

describe('errors in words', () => {
  it('a wrong recovery key or passphrase says so, without the jargon', () => {
    const text = describeVerifyError('The recovery key or passphrase does not match the secret storage key of this account.');
    assert.match(text, /not right/);
    assert.doesNotMatch(text, /secret storage/);
    assert.match(describeVerifyError('That is not a recovery key (and this account has no recovery passphrase): check the key for typos.'), /not right/);
  });

  it('other verify failures keep the backend\'s reason', () => {
    assert.match(describeVerifyError('This account has no cross-signing identity on the server, so there is nothing to verify against'), /Set up recovery/);
    assert.match(describeVerifyError('Secret storage on this account lacks m.cross_signing.master: set up recovery again'), /incomplete.*lacks m\.cross_signing\.master/);
    assert.match(describeVerifyError('Connection to the Lattice backend lost'), /^Could not verify this session: Connection to the Lattice backend lost$/);
  });

  it('setup errors tell when to ask for the account password', () => {
    assert.deepEqual(describeSetupError('The homeserver asks for your account password to publish new cross-signing keys: give it as account_password.'),
      { text: 'Your homeserver asks for your account password to publish the new keys.', needsPassword: true });
    assert.equal(describeSetupError('The homeserver refused the account password, so the new cross-signing keys were not published.').needsPassword, true);
    const other = describeSetupError('M_LIMIT_EXCEEDED (HTTP 429)');
    assert.equal(other.needsPassword, false);
    assert.match(other.text, /M_LIMIT_EXCEEDED/);
  });
});

describe('passphrases, files and summaries', () => {
  it('a new passphrase must be given, long enough, and typed the same twice', () => {
    assert.equal(checkNewPassphrase('', ''), 'Enter a passphrase.');
    assert.match(checkNewPassphrase('short', 'short') ?? '', /at least 8/);
    assert.match(checkNewPassphrase('long enough', 'long enougH') ?? '', /not the same/);
    assert.equal(checkNewPassphrase('long enough', 'long enough'), null);
  });

  it('names files after the account (safely) and the day', () => {
    const day = new Date('2026-11-26T03:00:00Z');
    assert.equal(exportFileName('@alice:example.org', day), 'lattice-keys-alice-2026-11-26.txt');
    assert.equal(exportFileName('@a/b\\c:example.org', day), 'lattice-keys-a_b_c-2026-11-26.txt');
    assert.equal(exportFileName(undefined, day), 'lattice-keys-account-2026-11-26.txt');
    assert.equal(recoveryKeyFileName('@bob:hs'), 'lattice-recovery-key-bob.txt');
    assert.match(recoveryKeyFileText('@bob:hs', 'EsTc abcd'), /@bob:hs[\s\S]*\nEsTc abcd\n/);
  });

  it('says how many keys an import brought', () => {
    assert.equal(describeImport({ imported_count: 3, total_count: 5 }), 'Imported 3 of 5 keys.');
    assert.equal(describeImport({ imported_count: 1, total_count: 1 }), 'Imported 1 of 1 key.');
    assert.match(describeImport({ imported_count: 0, total_count: 2 }), /^Imported 0 of 2 keys: this session already had all of them\.$/);
    assert.equal(describeImport({ imported_count: 0, total_count: 0 }), 'The file holds no keys.');
  });

  it('sums up the key backup', () => {
    assert.equal(describeBackup({ version: null, enabled: false, device_key_count: 4, device_backed_up_count: 0 }), 'No key backup on this account.');
    assert.equal(describeBackup({ version: '3', server_key_count: 12, enabled: true, device_key_count: 5, device_backed_up_count: 4 }),
      'Backup version 3, 12 keys stored. This session backs up its keys (4 of 5 backed up).');
    assert.match(describeBackup({ version: '3', enabled: false, device_key_count: 0, device_backed_up_count: 0 }), /^Backup version 3\. This session does not use it yet/);
  });
});

describe('remembered choice per device', () => {
  it('is keyed by account and device, and only once both are known', () => {
    assert.equal(deviceKey('@a:hs', 'DEV'), 'lattice.security.@a:hs/DEV');
    assert.equal(deviceKey('@a:hs', undefined), null);
    assert.equal(deviceKey(undefined, 'DEV'), null);
  });

  it('reads what was stored, and anything unreadable as nothing decided', () => {
    const none = { skipped: false, bannerDismissed: false, opened: false };
    assert.deepEqual(parseChoice('{"skipped":true}'), { ...none, skipped: true });
    assert.deepEqual(parseChoice('{"skipped":true,"bannerDismissed":true}'), { ...none, skipped: true, bannerDismissed: true });
    assert.deepEqual(parseChoice('{"skipped":true,"opened":true}'), { ...none, skipped: true }, 'a reopened step is not stored');
    assert.deepEqual(parseChoice('{"skipped":"yes"}'), none);
    assert.deepEqual(parseChoice('not json'), none);
    assert.deepEqual(parseChoice(null), none);
    assert.deepEqual(parseChoice('null'), none);
  });
});
