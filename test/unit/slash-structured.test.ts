/**
 * Structured commands as gomuks' web frontend sends them (MSC4391 in base_content, addressed to @gomuks): which
 * send_message params count as a backend command, and each gomuks command name becoming the same action the
 * text parser makes, with the same checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlashContext } from '../../src/main/backend/send/slash/actions.ts';
import { parseComposerInput } from '../../src/main/backend/send/slash/parser.ts';
import { backendCommandOf, parseStructuredCommand } from '../../src/main/backend/send/slash/structured.ts';

const ctx: SlashContext = { roomId: '!room:example.org', ownUserId: '@me:example.org' };
const parse = (command: string, args?: Record<string, unknown>, c: SlashContext = ctx) => parseStructuredCommand({ command, arguments: args }, c);
const text = (input: string, c: SlashContext = ctx) => parseComposerInput(input, c);

describe('structured (MSC4391) commands', () => {
  it('are a backend command only when addressed to exactly @gomuks', () => {
    const base = { msgtype: 'm.text', body: '/kick @b:x.org', 'org.matrix.msc4391.command': { command: 'kick', arguments: { user_id: '@b:x.org' } } };
    assert.deepEqual(backendCommandOf(base, { user_ids: ['@gomuks'] }), { command: 'kick', arguments: { user_id: '@b:x.org' } });
    assert.equal(backendCommandOf(base, { user_ids: ['@bot:x.org'] }), undefined);
    assert.equal(backendCommandOf(base, { user_ids: ['@gomuks', '@bot:x.org'] }), undefined);
    assert.equal(backendCommandOf({ msgtype: 'm.text', body: 'hi' }, { user_ids: ['@gomuks'] }), undefined);
    assert.equal(backendCommandOf(base, undefined), undefined);
    assert.deepEqual(backendCommandOf({ 'org.matrix.msc4391.command': { command: 'leave' } }, { user_ids: ['@gomuks'] }), { command: 'leave' });
  });

  it('give the same actions as the text commands', () => {
    const pairs: [string, Record<string, unknown> | undefined, string][] = [
      ['join', { room_reference: 'https://matrix.to/#/#r:x.org?via=y.org', reason: 'hi' }, '/join https://matrix.to/#/#r:x.org?via=y.org'],
      ['leave', undefined, '/leave'],
      ['invite', { user_id: '@b:x.org', reason: 'come' }, '/invite @b:x.org come'],
      ['kick', { user_id: '@b:x.org' }, '/kick @b:x.org'],
      ['ban', { user_id: '@b:x.org', reason: 'spam' }, '/ban @b:x.org spam'],
      ['roomnick', { name: 'Me' }, '/myroomnick Me'],
      ['globalname', { name: 'Me' }, '/globalnick Me'],
      ['roomname', { name: 'Lounge' }, '/roomname Lounge'],
      ['redact', { event_id: '$e', reason: 'oops' }, '/redact $e oops'],
      ['raw', { event_type: 'com.x', json: '{"a":1}' }, '/raw com.x {"a":1}'],
      ['unencryptedraw', { event_type: 'com.x' }, '/unencryptedraw com.x'],
      ['rawstate', { event_type: 'com.x', state_key: 'k', json: '{}' }, '/rawstate com.x k {}'],
      ['alias add', { name: 'lounge' }, '/alias add lounge'],
      ['alias rm', { name: 'lounge' }, '/alias del lounge'],
      ['converttodm', { other_user: '@b:x.org' }, '/converttodm @b:x.org'],
      ['converttoroom', undefined, '/converttoroom'],
      ['powerlevel', { thing: '@b:x.org', value: 50 }, '/powerlevel @b:x.org 50'],
      ['powerlevel', { thing: 'm.room.name', value: '75' }, '/powerlevel m.room.name 75'],
    ];
    for (const [name, args, input] of pairs) {
      const s = parse(name, args);
      const t = text(input);
      assert.ok(s.ok && t.ok, `${name}: ${JSON.stringify(s)}`);
      if (name === 'join') assert.deepEqual(s.action, { ...t.action, reason: 'hi' });
      else assert.deepEqual(s.action, t.action, name);
    }
  });

  it('take avatars from the attached image', () => {
    const withImage = { ...ctx, attachment: { msgtype: 'm.image', url: 'mxc://x.org/a' } };
    assert.deepEqual(parse('roomavatar', undefined, withImage), { ok: true, action: { kind: 'state', type: 'm.room.avatar', stateKey: '', content: { url: 'mxc://x.org/a' } } });
    assert.deepEqual(parse('myroomavatar', undefined, withImage), { ok: true, action: { kind: 'profile', scope: 'room', field: 'avatar_url', value: 'mxc://x.org/a' } });
    assert.deepEqual(parse('globalavatar'), { ok: false, error: '/globalavatar: Attach an image to use as the avatar.' });
  });

  it('refuse bad or missing arguments and unknown commands in words', () => {
    const errors: [string, Record<string, unknown> | undefined, RegExp][] = [
      ['kick', {}, /user_id is missing/],
      ['kick', { user_id: 'bob' }, /"bob" is not a user ID/],
      ['ban', { user_id: 42 }, /user_id must be text/],
      ['join', { room_reference: 'lobby' }, /not a room ID, alias or link/],
      ['redact', { event_id: 'nope' }, /not an event ID/],
      ['raw', { event_type: 'com.x', json: '[1]' }, /must be a JSON object/],
      ['powerlevel', { thing: '@b:x.org', value: 1.5 }, /value must be a whole number/],
      ['powerlevel', { thing: 'admins', value: 1 }, /"admins" is not a user ID, an event type/],
      ['converttodm', {}, /Give the user/],
      ['discardsession', undefined, /Encryption is not available/],
      ['poll', { question: 'q' }, /Polls are not supported/],
      ['frobnicate', undefined, /Unknown command "frobnicate"/],
    ];
    for (const [name, args, re] of errors) {
      const r = parse(name, args);
      assert.ok(!r.ok, name);
      assert.match(r.error, re, name);
    }
    assert.deepEqual(parse('meow', { meow: 'meow' }), { ok: true, action: { kind: 'output', text: 'Meow meow' } });
  });
});
