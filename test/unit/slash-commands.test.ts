/**
 * The composer's slash-command parser: every command with valid input (the exact action) and invalid input (an
 * error in words, so nothing is sent), the message prefixes gomuks reads in send_message, literal slashes, and
 * /help. A final test proves the table below covers every command the parser knows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlashAction, SlashContext } from '../../src/main/backend/send/slash/actions.ts';
import { helpText, listCommands } from '../../src/main/backend/send/slash/help.ts';
import { parseComposerInput } from '../../src/main/backend/send/slash/parser.ts';

const ctx: SlashContext = { roomId: '!room:example.org', ownUserId: '@me:example.org' };
const withReply: SlashContext = { ...ctx, replyTo: '$replied' };
const withImage: SlashContext = { ...ctx, attachment: { msgtype: 'm.image', url: 'mxc://example.org/abc' } };

function ok(input: string, c: SlashContext = ctx): SlashAction {
  const r = parseComposerInput(input, c);
  if (!r.ok) assert.fail(`${input} was refused: ${r.error}`);
  return r.action;
}
function err(input: string, c: SlashContext = ctx): string {
  const r = parseComposerInput(input, c);
  if (r.ok) assert.fail(`${input} was accepted: ${JSON.stringify(r.action)}`);
  return r.error;
}
const msg = (text: string, extra: Record<string, unknown> = {}) =>
  ({ kind: 'message', text, msgtype: 'm.text', format: 'markdown', unencrypted: false, rawInputBody: false, ...extra });

interface Case {
  valid: [input: string, action: unknown, context?: SlashContext][];
  invalid: [input: string, error: RegExp, context?: SlashContext][];
}

/** One entry per command and message prefix; the coverage test fails if a command is missing here. */
const cases: Record<string, Case> = {
  help: {
    valid: [],
    invalid: [['/help nosuch', /There is no command \/nosuch/]],
  },
  join: {
    valid: [
      ['/join #room:example.org', { kind: 'join', target: '#room:example.org', via: [] }],
      ['/join !abc:example.org other.org third.org:8448', { kind: 'join', target: '!abc:example.org', via: ['other.org', 'third.org:8448'] }],
      ['/join https://matrix.to/#/%23room:example.org?via=a.org&via=b.org', { kind: 'join', target: '#room:example.org', via: ['a.org', 'b.org'] }],
      ['/join matrix:roomid/abc:example.org?via=a.org', { kind: 'join', target: '!abc:example.org', via: ['a.org'] }],
      ['/join !v12roomhashwithoutserver', { kind: 'join', target: '!v12roomhashwithoutserver', via: [] }],
    ],
    invalid: [
      ['/join', /Room ID, alias or link is missing/],
      ['/join room', /"room" is not a room ID, alias or link/],
      ['/join @user:example.org', /not a room ID/],
      ['/join #room:example.org not_a server!', /"not_a" is not a server name/],
    ],
  },
  accept: {
    valid: [['/accept', { kind: 'join', via: [] }]],
    invalid: [['/accept now', /Unexpected extra text: "now"/]],
  },
  reject: {
    valid: [['/reject', { kind: 'membership', action: 'leave', reason: undefined }], ['/reject no thanks', { kind: 'membership', action: 'leave', reason: 'no thanks' }]],
    invalid: [],
  },
  leave: {
    valid: [['/leave', { kind: 'membership', action: 'leave', reason: undefined }], ['/part bye all', { kind: 'membership', action: 'leave', reason: 'bye all' }]],
    invalid: [],
  },
  invite: {
    valid: [['/invite @bob:example.org', { kind: 'membership', action: 'invite', userId: '@bob:example.org', reason: undefined }],
      ['/invite https://matrix.to/#/@bob:example.org join us', { kind: 'membership', action: 'invite', userId: '@bob:example.org', reason: 'join us' }]],
    invalid: [['/invite', /user id is missing/i], ['/invite bob', /"bob" is not a user ID/], ['/invite @bob', /not a user ID/]],
  },
  kick: {
    valid: [['/kick @bob:example.org being rude', { kind: 'membership', action: 'kick', userId: '@bob:example.org', reason: 'being rude' }]],
    invalid: [['/kick', /missing/], ['/kick #room:example.org', /not a user ID/]],
  },
  ban: {
    valid: [['/BAN @bob:example.org spam\nand more', { kind: 'membership', action: 'ban', userId: '@bob:example.org', reason: 'spam\nand more' }]],
    invalid: [['/ban bob spam', /"bob" is not a user ID/]],
  },
  unban: {
    valid: [['/unban @bob:example.org', { kind: 'membership', action: 'unban', userId: '@bob:example.org', reason: undefined }]],
    invalid: [['/unban', /missing/]],
  },
  myroomnick: {
    valid: [['/myroomnick Me Here', { kind: 'profile', scope: 'room', field: 'displayname', value: 'Me Here' }], ['/roomnick X', { kind: 'profile', scope: 'room', field: 'displayname', value: 'X' }]],
    invalid: [['/roomnick', /New display name is missing/]],
  },
  globalnick: {
    valid: [['/globalnick Me', { kind: 'profile', scope: 'global', field: 'displayname', value: 'Me' }], ['/globalname Me Too', { kind: 'profile', scope: 'global', field: 'displayname', value: 'Me Too' }]],
    invalid: [['/globalnick   ', /missing/]],
  },
  myroomavatar: {
    valid: [['/myroomavatar', { kind: 'profile', scope: 'room', field: 'avatar_url', value: 'mxc://example.org/abc' }, withImage]],
    invalid: [['/myroomavatar', /Attach an image/], ['/myroomavatar', /must be unencrypted/, { ...ctx, attachment: { msgtype: 'm.image', url: 'mxc://a/b', encrypted: true } }]],
  },
  globalavatar: {
    valid: [['/globalavatar', { kind: 'profile', scope: 'global', field: 'avatar_url', value: 'mxc://example.org/abc' }, withImage]],
    invalid: [['/globalavatar', /Attach an image/, { ...ctx, attachment: { msgtype: 'm.file', url: 'mxc://a/b' } }]],
  },
  roomname: {
    valid: [['/roomname The Lounge', { kind: 'state', type: 'm.room.name', stateKey: '', content: { name: 'The Lounge' } }]],
    invalid: [['/roomname', /New room name is missing/]],
  },
  roomavatar: {
    valid: [['/roomavatar', { kind: 'state', type: 'm.room.avatar', stateKey: '', content: { url: 'mxc://example.org/abc' } }, withImage]],
    invalid: [['/roomavatar', /Attach an image/]],
  },
  tag: {
    valid: [['/tag m.favourite', { kind: 'tag', action: 'add', tag: 'm.favourite' }], ['/tag u.work 0.25', { kind: 'tag', action: 'add', tag: 'u.work', order: 0.25 }]],
    invalid: [['/tag', /missing/], ['/tag u.work 2', /"2" is not a tag order/], ['/tag u.work high', /not a tag order/], ['/tag u.work 0.5 extra', /Unexpected extra text/]],
  },
  untag: {
    valid: [['/untag u.work', { kind: 'tag', action: 'remove', tag: 'u.work' }]],
    invalid: [['/untag', /^\/untag: Tag is missing/]],
  },
  tags: {
    valid: [['/tags', { kind: 'tag', action: 'list' }]],
    invalid: [['/tags x', /Unexpected extra text/]],
  },
  alias: {
    valid: [
      ['/alias add lounge', { kind: 'alias', action: 'add', alias: '#lounge:example.org' }],
      ['/alias del #lounge:other.org', { kind: 'alias', action: 'remove', alias: '#lounge:other.org' }],
      ['/alias remove lounge', { kind: 'alias', action: 'remove', alias: '#lounge:example.org' }],
      ['/alias resolve #x:y.org', { kind: 'alias', action: 'resolve', alias: '#x:y.org' }],
    ],
    invalid: [['/alias add', /missing/], ['/alias rename x', /Unknown alias action "rename"/], ['/alias add #broken', /not a room alias/]],
  },
  powerlevel: {
    valid: [
      ['/powerlevel', { kind: 'power_level' }],
      ['/powerlevel @bob:example.org 50', { kind: 'power_level', target: { kind: 'user', userId: '@bob:example.org' }, level: 50 }],
      ['/pl @bob:example.org', { kind: 'power_level', target: { kind: 'user', userId: '@bob:example.org' } }],
      ['/powerlevel m.room.name -10', { kind: 'power_level', target: { kind: 'event', type: 'm.room.name' }, level: -10 }],
      ['/powerlevel ban 75', { kind: 'power_level', target: { kind: 'field', field: 'ban' }, level: 75 }],
      ['/powerlevel notifications.room 20', { kind: 'power_level', target: { kind: 'field', field: 'notifications.room' }, level: 20 }],
    ],
    invalid: [
      ['/powerlevel @bob:example.org fifty', /"fifty" is not a power level/],
      ['/powerlevel @bob:example.org 1.5', /whole number/],
      ['/powerlevel @bob:example.org 99999999999999999999', /too large/],
      ['/powerlevel @bob 50', /not a user ID/],
      ['/powerlevel admins 100', /"admins" is not a user ID, an event type or one of/],
    ],
  },
  send: {
    valid: [['/send !abc:example.org com.example.ping {"n": 1}', { kind: 'event', roomId: '!abc:example.org', type: 'com.example.ping', content: { n: 1 }, unencrypted: false }],
      ['/send #a:example.org m.x {\n "multi": "line"\n}', { kind: 'event', roomId: '#a:example.org', type: 'm.x', content: { multi: 'line' }, unencrypted: false }]],
    invalid: [['/send !abc:example.org m.x', /Content as JSON is missing/], ['/send !abc:example.org m.x {bad', /not valid JSON/], ['/send nowhere m.x {}', /not a room ID/], ['/send !a:b.org m.x "str"', /must be a JSON object/]],
  },
  setstate: {
    valid: [['/setstate !abc:example.org m.room.topic - {"topic":"hi"}', { kind: 'state', roomId: '!abc:example.org', type: 'm.room.topic', stateKey: '', content: { topic: 'hi' } }],
      ['/setstate !abc:example.org com.x key1 {}', { kind: 'state', roomId: '!abc:example.org', type: 'com.x', stateKey: 'key1', content: {} }]],
    invalid: [['/setstate !abc:example.org m.room.topic {"topic":"hi"}', /Content as JSON is missing/], ['/setstate !abc:example.org m.x - [1]', /must be a JSON object/]],
  },
  msend: {
    valid: [['/msend com.example.ping {}', { kind: 'event', type: 'com.example.ping', content: {}, unencrypted: false }]],
    invalid: [['/msend com.example.ping', /missing/], ['/msend com.example.ping null', /must be a JSON object/]],
  },
  msetstate: {
    valid: [['/msetstate m.room.topic - {"topic":"x"}', { kind: 'state', type: 'm.room.topic', stateKey: '', content: { topic: 'x' } }]],
    invalid: [['/msetstate m.room.topic -', /missing/], ['/msetstate m.room.topic - {', /not valid JSON/]],
  },
  raw: {
    valid: [['/raw com.example.thing', { kind: 'event', type: 'com.example.thing', content: {}, unencrypted: false }], ['/raw m.x {"a":[1]}', { kind: 'event', type: 'm.x', content: { a: [1] }, unencrypted: false }]],
    invalid: [['/raw', /Event type is missing/], ['/raw m.x 42', /must be a JSON object/]],
  },
  unencryptedraw: {
    valid: [['/unencryptedraw m.x {"a":1}', { kind: 'event', type: 'm.x', content: { a: 1 }, unencrypted: true }]],
    invalid: [['/unencryptedraw m.x nope', /not valid JSON/]],
  },
  rawstate: {
    valid: [['/rawstate m.room.topic - {"topic":"t"}', { kind: 'state', type: 'm.room.topic', stateKey: '', content: { topic: 't' } }], ['/rawstate com.x k', { kind: 'state', type: 'com.x', stateKey: 'k', content: {} }]],
    invalid: [['/rawstate m.room.topic', /state key \(- for empty\) is missing/i]],
  },
  jumptodate: {
    valid: [['/jumptodate 2026-03-03', { kind: 'jump_to_date', timestamp: new Date(2026, 2, 3).getTime() }]],
    invalid: [
      ['/jumptodate', /Day \(YYYY-MM-DD\) is missing/], ['/jumptodate 3/3/2026', /"3\/3\/2026" is not a day/],
      ['/jumptodate 2026-13-01', /"2026-13-01" is not a day/],
    ],
  },
  id: {
    valid: [['/id', { kind: 'output', text: '!room:example.org' }]],
    invalid: [['/id please', /Unexpected extra text/]],
  },
  create: {
    valid: [['/create', { kind: 'create_room' }], ['/create Book club', { kind: 'create_room', name: 'Book club' }]],
    invalid: [],
  },
  pm: {
    valid: [['/pm @bob:example.org', { kind: 'start_dm', userIds: ['@bob:example.org'] }], ['/dm @bob:example.org @carol:other.org @bob:example.org', { kind: 'start_dm', userIds: ['@bob:example.org', '@carol:other.org'] }]],
    invalid: [['/pm', /missing/], ['/pm @bob:example.org carol', /"carol" is not a user ID/], ['/pm @me:example.org', /with yourself/]],
  },
  converttodm: {
    valid: [['/converttodm @bob:example.org', { kind: 'mark_dm', userId: '@bob:example.org' }]],
    invalid: [['/converttodm', /missing/], ['/converttodm bob', /not a user ID/]],
  },
  converttoroom: {
    valid: [['/converttoroom', { kind: 'mark_dm' }]],
    invalid: [['/converttoroom x', /Unexpected extra text/]],
  },
  react: {
    valid: [['/react 👍', { kind: 'react', eventId: '$replied', key: '👍' }, withReply], ['/react $ev:x.org ✅ done', { kind: 'react', eventId: '$ev:x.org', key: '✅ done' }]],
    invalid: [['/react 👍', /reply to it first/], ['/react', /missing/, withReply]],
  },
  redact: {
    valid: [
      ['/redact', { kind: 'redact', eventId: '$replied' }, withReply],
      ['/redact spam and abuse', { kind: 'redact', eventId: '$replied', reason: 'spam and abuse' }, withReply],
      ['/redact $abc wrong room', { kind: 'redact', eventId: '$abc', reason: 'wrong room' }],
      ['/delete https://matrix.to/#/!other:example.org/$ev?via=example.org', { kind: 'redact', eventId: '$ev', roomId: '!other:example.org' }],
    ],
    invalid: [['/redact', /reply to it first/], ['/redact spam', /reply to it first/], ['/redact https://matrix.to/#/@bob:example.org', /not an event ID/]],
  },
  // gomuks' send_message prefixes
  me: {
    valid: [['/me waves', msg('waves', { msgtype: 'm.emote' })], ['/ME waves', msg('waves', { msgtype: 'm.emote' })]],
    invalid: [['/me', /message text is missing/], ['/me   ', /message text is missing/]],
  },
  notice: {
    valid: [['/notice build passed', msg('build passed', { msgtype: 'm.notice' })]],
    invalid: [['/notice', /Usage: \/notice <text>/]],
  },
  plain: {
    valid: [['/plain **not bold**', msg('**not bold**', { format: 'plain' })], ['/plain /me literally', msg('/me literally', { format: 'plain' })]],
    invalid: [['/plain', /missing/]],
  },
  html: {
    valid: [['/html <b>bold</b>', msg('<b>bold</b>', { format: 'html' })]],
    invalid: [['/html', /missing/]],
  },
  rainbow: {
    valid: [['/rainbow hello', msg('hello', { format: 'rainbow' })], ['/me /rainbow hi', msg('hi', { format: 'rainbow', msgtype: 'm.emote' })]],
    invalid: [['/rainbow', /missing/]],
  },
  rainbowme: {
    valid: [['/rainbowme dances', msg('dances', { format: 'rainbow', msgtype: 'm.emote' })]],
    invalid: [['/rainbowme', /missing/]],
  },
  rainbownotice: {
    valid: [['/rainbownotice fyi', msg('fyi', { format: 'rainbow', msgtype: 'm.notice' })]],
    invalid: [['/rainbownotice', /missing/]],
  },
  unencrypted: {
    valid: [['/unencrypted hi', msg('hi', { unencrypted: true })], ['/unencrypted /me hi', msg('hi', { unencrypted: true, msgtype: 'm.emote' })], ['/unencrypted /join x', msg('/join x', { unencrypted: true })]],
    invalid: [['/unencrypted', /missing/]],
  },
  rawinputbody: {
    valid: [['/rawinputbody *x*', msg('*x*', { rawInputBody: true })]],
    invalid: [['/rawinputbody', /missing/]],
  },
  timestamp: {
    valid: [['/timestamp 1700000000000 back then', msg('back then', { timestamp: 1700000000000 })], ['/timestamp 5 /notice old', msg('old', { timestamp: 5, msgtype: 'm.notice' })]],
    invalid: [['/timestamp 1700000000000', /timestamp or the message is missing/], ['/timestamp yesterday hi', /"yesterday" is not a timestamp/]],
  },
};

describe('slash commands: every command, valid and invalid input', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`/${name}`, () => {
      for (const [input, action, context] of c.valid) assert.deepEqual(ok(input, context), action, input);
      for (const [input, re, context] of c.invalid) assert.match(err(input, context), re, input);
    });
  }

  it('covers every command and message prefix the parser knows, with at least one valid or invalid case each', () => {
    const known = listCommands().map((h) => h.name);
    assert.deepEqual(known.filter((n) => !(n in cases)), [], 'commands without tests');
    assert.deepEqual(Object.keys(cases).filter((n) => !known.includes(n)), [], 'tests for commands that do not exist');
    for (const n of known) assert.ok(cases[n].valid.length + cases[n].invalid.length > 0, n);
  });
});

describe('slash commands: plain text, literal slashes, unknown commands', () => {
  it('sends plain text as a markdown message', () => {
    assert.deepEqual(ok('hello *world*'), msg('hello *world*'));
    assert.deepEqual(ok(' /not a command because of the space'), msg(' /not a command because of the space'));
  });

  it('sends text after // or \\/ literally, starting with one slash', () => {
    assert.deepEqual(ok('//shrug'), msg('/shrug'));
    assert.deepEqual(ok('\\/etc/hosts is a file'), msg('/etc/hosts is a file'));
    assert.deepEqual(ok('//'), msg('/'));
  });

  it('refuses unknown commands and empty input in words', () => {
    assert.match(err('/frobnicate now'), /^Unknown command \/frobnicate\. Type \/help .* start with \/\/ to send text beginning with a slash\.$/);
    assert.match(err('/'), /Type a command name after the slash/);
    assert.match(err('/etc/hosts is a file'), /^Unknown command \/etc\/hosts\./);
    assert.match(err('   '), /nothing to send/);
  });

  it('matches command names case-insensitively and appends the usage to argument errors', () => {
    assert.deepEqual(ok('/KiCk @bob:example.org'), { kind: 'membership', action: 'kick', userId: '@bob:example.org', reason: undefined });
    assert.equal(err('/kick bob'), '/kick: "bob" is not a user ID (like @name:example.org).\nUsage: /kick <user_id> [reason]');
  });

  it('rejects user IDs and aliases longer than 255 bytes', () => {
    assert.match(err(`/invite @${'a'.repeat(250)}:example.org`), /not a user ID/);
  });
});

describe('slash commands: help and autocomplete list', () => {
  it('/help lists every command with its usage line', () => {
    const a = ok('/help');
    assert.equal(a.kind, 'output');
    const text = a.kind === 'output' ? a.text : '';
    for (const h of listCommands()) assert.ok(text.includes(`${h.usage} — ${h.summary}`), h.name);
  });

  it('/help NAME gives the summary, aliases and usage, also by alias and with a leading slash', () => {
    assert.deepEqual(ok('/help kick'), { kind: 'output', text: 'Kick a user from the current room\nUsage: /kick <user_id> [reason]' });
    assert.equal(helpText('/part'), 'Leave the current room (also /part)\nUsage: /leave [reason]');
    assert.match(helpText('me') ?? '', /Send an emote/);
    assert.equal(helpText('nope'), undefined);
  });

  it('exports every command for autocomplete as plain data', () => {
    const list = listCommands();
    const kick = list.find((h) => h.name === 'kick');
    assert.deepEqual(kick, {
      name: 'kick', aliases: [], usage: '/kick <user_id> [reason]', summary: 'Kick a user from the current room', messagePrefix: false,
      args: [
        { name: 'user_id', kind: 'user_id', optional: false, repeated: false, description: 'User ID' },
        { name: 'reason', kind: 'text', optional: true, repeated: false, description: 'Reason' },
      ],
    });
    assert.equal(list.find((h) => h.name === 'me')?.messagePrefix, true);
    assert.deepEqual(JSON.parse(JSON.stringify(list)), list);
    assert.equal(new Set(list.map((h) => h.name)).size, list.length, 'names are unique');
  });
});
