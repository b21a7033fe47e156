/** m.mentions from a message's markdown: user pills, explicit mentions, and @room only with the power for it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMentions } from '../../src/main/backend/send/mentions.ts';

const ME = '@me:example.org';
const pl = (mine: number, room?: number) => ({ users: { [ME]: mine }, ...(room === undefined ? {} : { notifications: { room } }) });

describe('buildMentions', () => {
  it('takes user IDs from matrix.to and matrix: links, not from code or plain text', () => {
    const m = buildMentions({ ownUserId: ME, text:
      'hi [Bob](https://matrix.to/#/%40bob%3Aexample.org) and [Carol](matrix:u/carol:example.org), '
      + 'not `https://matrix.to/#/@dave:example.org` nor @erin:example.org; room link '
      + '[here](https://matrix.to/#/!room:example.org)' });
    assert.deepEqual(m, { user_ids: ['@bob:example.org', '@carol:example.org'] });
  });

  it('merges explicit mentions, drops our own ID, and deduplicates', () => {
    const m = buildMentions({ ownUserId: ME, explicit: { user_ids: ['@bob:example.org', ME] },
      text: '[Bob](https://matrix.to/#/@bob:example.org) [me](https://matrix.to/#/@me:example.org)' });
    assert.deepEqual(m, { user_ids: ['@bob:example.org'] });
  });

  it('sets room for @room only with the power level notifications.room asks (default 50)', () => {
    assert.deepEqual(buildMentions({ ownUserId: ME, text: 'hey @room', powerLevels: pl(50) }), { user_ids: [], room: true });
    assert.deepEqual(buildMentions({ ownUserId: ME, text: 'hey @room', powerLevels: pl(0) }), { user_ids: [] });
    assert.deepEqual(buildMentions({ ownUserId: ME, text: 'hey @room', powerLevels: pl(10, 10) }), { user_ids: [], room: true });
    assert.deepEqual(buildMentions({ ownUserId: ME, text: 'hey @room', powerLevels: { users_default: 60 } }), { user_ids: [], room: true });
    // Not a mention: inside code, or part of a longer word.
    assert.deepEqual(buildMentions({ ownUserId: ME, text: '`@room` and foo@roomy', powerLevels: pl(100) }), { user_ids: [] });
  });

  it('refuses an explicit room mention without the power, saying which level is needed', () => {
    assert.throws(() => buildMentions({ ownUserId: ME, explicit: { room: true }, powerLevels: pl(0) }),
      /cannot notify the whole room.*needs power level 50.*yours is 0/);
    assert.deepEqual(buildMentions({ ownUserId: ME, explicit: { room: true }, powerLevels: pl(100) }), { user_ids: [], room: true });
  });
});
