/**
 * The check of a room address as it is typed (address-check.ts): the homeserver is asked once the typing pauses,
 * an answer counts only for the address it was about (a slow answer for an older text never overwrites a newer
 * one), and failing to ask is "unknown", not "taken".
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ADDRESS_CHECK_DELAY_MS, AddressChecker } from '../../src/renderer/api/address-check.ts';

/** The questions asked, each answered when the test says so. */
function fakeServer() {
  const asked: { alias: string; answer: (roomId: string | null) => void; fail: (e: Error) => void }[] = [];
  const ask = (alias: string) => new Promise<string | null>((resolve, reject) => { asked.push({ alias, answer: resolve, fail: reject }); });
  return { asked, ask };
}

const settle = () => new Promise<void>((resolve) => { setImmediate(resolve); });

describe('address check', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('asks once the typing pauses, about the last text only', async () => {
    const server = fakeServer();
    const checker = new AddressChecker(server.ask);
    checker.set('#g:hs');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS - 1);
    checker.set('#ga:hs');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS - 1);
    checker.set('#gar:hs');
    assert.deepEqual(checker.get(), { alias: '#gar:hs', check: { state: 'checking' } });
    assert.equal(server.asked.length, 0, 'nothing asked while typing goes on');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS);
    assert.deepEqual(server.asked.map((q) => q.alias), ['#gar:hs']);
    server.asked[0].answer('!room:hs');
    await settle();
    assert.deepEqual(checker.get(), { alias: '#gar:hs', check: { state: 'taken', roomId: '!room:hs' } });
  });

  /** A checker asked about #old, then about #new, both questions still unanswered. */
  function askedTwice() {
    const server = fakeServer();
    const checker = new AddressChecker(server.ask);
    checker.set('#old:hs');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS);
    checker.set('#new:hs');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS);
    const [old, fresh] = server.asked;
    assert.deepEqual([old.alias, fresh.alias], ['#old:hs', '#new:hs']);
    return { checker, old: old, fresh: fresh };
  }

  it('drops an answer about an older text that comes while the newer one is asked', async () => {
    const { checker, old, fresh } = askedTwice();
    old.answer('!taken:hs');
    await settle();
    assert.deepEqual(checker.get(), { alias: '#new:hs', check: { state: 'checking' } });
    fresh.answer(null);
    await settle();
    assert.deepEqual(checker.get(), { alias: '#new:hs', check: { state: 'free' } });
  });

  it('drops a slower answer about an older text that comes after the newer one\'s', async () => {
    const { checker, old, fresh } = askedTwice();
    fresh.answer(null);
    await settle();
    let changes = 0;
    checker.subscribe(() => changes++);
    old.answer('!taken:hs');
    await settle();
    assert.deepEqual(checker.get(), { alias: '#new:hs', check: { state: 'free' } }, '#old being taken does not make #new taken');
    assert.equal(changes, 0, 'nothing to draw again');
  });

  it('says "unknown" when the homeserver cannot be asked, and nothing while there is nothing to check', async () => {
    const server = fakeServer();
    const checker = new AddressChecker(server.ask);
    checker.set('#x:hs');
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS);
    server.asked[0].fail(new Error('Could not check whether #x:hs is free: Could not reach the homeserver'));
    await settle();
    assert.deepEqual(checker.get().check, { state: 'unknown', error: 'Could not check whether #x:hs is free: Could not reach the homeserver' });
    checker.set(null);
    assert.deepEqual(checker.get(), { alias: null, check: { state: 'none' } });
    mock.timers.tick(ADDRESS_CHECK_DELAY_MS * 2);
    assert.equal(server.asked.length, 1, 'nothing asked for no address');
  });
});
