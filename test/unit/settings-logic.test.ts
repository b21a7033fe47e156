/**
 * The Settings screen's pure logic: the sessions list (order, trust in words), the notification switches read
 * from push rules (and the edits that flip them), the defaults for messages, other events and sounds as Element
 * maps them to the spec's default rules (read and written, with rules an older server lacks), keyword checks, the tab list's arrow keys, and the backend's
 * password user-interactive auth (a stubbed request answering as Synapse does).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceRows, trustOf } from '../../src/renderer/api/account-settings.ts';
import {
  keywordProblem, MENTION_RULES, ROOM_MENTION_RULES, selectNotificationSettings, switchEdits,
} from '../../src/renderer/api/notification-rules.ts';
import {
  levelEdits, otherEdits, selectNotificationDefaults, soundEdits, type RuleEdit,
} from '../../src/renderer/api/notification-defaults.ts';
import { initialSnapshot, type StoreSnapshot } from '../../src/renderer/api/snapshot.ts';
import { defaultRules } from '../../src/main/backend/push/default-rules.ts';
import { tabAfterKey } from '../../src/renderer/ui/settings/settings-tabs.ts';
import { MatrixError } from '../../src/main/backend/matrix/errors.ts';
import { FallbackRequired, PasswordRequired, withPasswordAuth } from '../../src/main/backend/matrix/password-auth.ts';
import type { GetOwnDevicesResponse, ProfileDevice, TrustState } from '../../src/shared/rpc/commands/verification.ts';
import type { JSONObject } from '../../src/shared/rpc/types.ts';

function profileDevice(id: string, trust: TrustState): ProfileDevice {
  return { device_id: id, name: id, identity_key: 'k', signing_key: 's', fingerprint: 'f', trust_state: trust };
}

describe('sessions list', () => {
  const resp: GetOwnDevicesResponse = {
    encryption: {
      devices_tracked: true, master_key: '', first_master_key: '', user_trusted: true, errors: null,
      devices: [profileDevice('PHONE', 'cross-signed-verified'), profileDevice('OLD', 'blacklisted'), profileDevice('HERE', 'verified')],
    },
    devices: [
      { device_id: 'OLD', display_name: 'Old laptop', last_seen_ts: 1000 },
      { device_id: 'PHONE', display_name: ' Phone ', last_seen_ts: 5000, last_seen_ip: '10.0.0.2' },
      { device_id: 'BOT' },
      { device_id: 'HERE', display_name: 'Lattice', last_seen_ts: 10 },
    ],
    current_device: profileDevice('HERE', 'verified'),
  };

  it('puts this session first, then the most recently seen, with trust in words', () => {
    const rows = deviceRows(resp, 'HERE');
    assert.deepEqual(rows.map((r) => r.deviceId), ['HERE', 'PHONE', 'OLD', 'BOT']);
    assert.deepEqual(rows.map((r) => r.trust), ['verified', 'verified', 'blocked', 'no-keys']);
    assert.equal(rows[1].name, 'Phone');
    assert.equal(rows[1].lastSeenIp, '10.0.0.2');
    assert.equal(rows[3].name, '');
    assert.equal(rows[3].lastSeenTs, null);
    assert.ok(rows[0].current && !rows[1].current);
  });

  it('says this session is not verified when cross-signing has not verified it, whatever the engine trusts', () => {
    assert.equal(deviceRows(resp, 'HERE', false)[0].trust, 'unverified');
    assert.equal(deviceRows(resp, 'HERE', true)[0].trust, 'verified');
    assert.equal(deviceRows({ ...resp, current_device: null }, 'HERE', true)[0].trust, 'no-keys');
  });

  it('maps every trust state', () => {
    assert.equal(trustOf('cross-signed-tofu'), 'unverified');
    assert.equal(trustOf('unverified'), 'unverified');
    assert.equal(trustOf(undefined), 'no-keys');
  });
});

function withRules(global: JSONObject | undefined): StoreSnapshot {
  const snap = initialSnapshot();
  if (!global) return snap;
  return { ...snap, accountData: { 'm.push_rules': { user_id: '@a:x', type: 'm.push_rules', content: { global } } } };
}

const RULES: JSONObject = {
  override: [
    { rule_id: '.m.rule.master', default: true, enabled: false, actions: [] },
    { rule_id: '.m.rule.is_user_mention', default: true, enabled: true, actions: ['notify'] },
    { rule_id: '.m.rule.contains_display_name', default: true, enabled: false, actions: ['notify'] },
    { rule_id: '.m.rule.is_room_mention', default: true, enabled: true, actions: [] },
  ],
  content: [
    { rule_id: '.m.rule.contains_user_name', default: true, enabled: false, pattern: 'alice', actions: ['notify'] },
    { rule_id: 'lattice', default: false, enabled: true, pattern: 'lattice', actions: ['notify'] },
  ],
};

describe('notification switches from push rules', () => {
  it('reads the master rule, mention groups and keywords', () => {
    const s = selectNotificationSettings(withRules(RULES));
    assert.deepEqual(s, { loaded: true, enabled: true, mentions: true, roomMentions: false, keywords: ['lattice'] });
  });

  it('is the same object while the rules are, and not loaded without them', () => {
    const snap = withRules(RULES);
    assert.equal(selectNotificationSettings(snap), selectNotificationSettings({ ...snap }));
    assert.equal(selectNotificationSettings(withRules(undefined)).loaded, false);
  });

  it('an enabled master rule means notifications are off', () => {
    const rules = { ...RULES, override: [{ rule_id: '.m.rule.master', default: true, enabled: true, actions: [] }] };
    const s = selectNotificationSettings(withRules(rules));
    assert.equal(s.enabled, false);
    assert.equal(s.mentions, false, 'no mention rule left');
  });

  it('flips only the rules the server has', () => {
    const snap = withRules(RULES);
    assert.deepEqual(switchEdits(snap, MENTION_RULES, false), [
      { kind: 'override', rule_id: '.m.rule.is_user_mention', action: 'disable' },
      { kind: 'override', rule_id: '.m.rule.contains_display_name', action: 'disable' },
      { kind: 'content', rule_id: '.m.rule.contains_user_name', action: 'disable' },
    ]);
    assert.deepEqual(switchEdits(snap, ROOM_MENTION_RULES, true), [{ kind: 'override', rule_id: '.m.rule.is_room_mention', action: 'enable' }]);
  });

  it('checks keywords in words', () => {
    assert.equal(keywordProblem('  ', []), 'Type a word to be notified about.');
    assert.match(keywordProblem('.m.rule', []) ?? '', /cannot start with a dot/);
    assert.match(keywordProblem('a/b', []) ?? '', /cannot contain/);
    assert.match(keywordProblem('Lattice', ['lattice']) ?? '', /already a keyword/);
    assert.match(keywordProblem('x'.repeat(101), []) ?? '', /at most 100/);
    assert.equal(keywordProblem(' tea ', ['coffee']), null);
  });
});

/** The spec's default rules as a current Synapse has them, plus one keyword. */
function specRules(): JSONObject {
  const rules = structuredClone(defaultRules('@alice:x')) as unknown as Record<string, JSONObject[]>;
  rules.content.push({ rule_id: 'lattice', default: false, enabled: true, pattern: 'lattice', actions: ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight' }] });
  return rules;
}

/** The rules after the homeserver applied the edits (as /pushrules does), for reading back. */
function applied(global: JSONObject, edits: readonly RuleEdit[]): JSONObject {
  const next = structuredClone(global) as unknown as Record<string, JSONObject[]>;
  for (const e of edits) {
    const rule = next[e.kind].find((r) => r.rule_id === e.rule_id)!;
    if (e.action === 'put_actions') rule.actions = e.actions!;
    else rule.enabled = e.action === 'enable';
  }
  return next;
}

function without(global: JSONObject, ...ids: string[]): JSONObject {
  const out: Record<string, unknown> = {};
  for (const [kind, list] of Object.entries(global)) out[kind] = (list as JSONObject[]).filter((r) => !ids.includes(r.rule_id as string));
  return out as JSONObject;
}

const NO_HIGHLIGHT = { set_tweak: 'highlight', value: false };

describe('message defaults, other events and sounds from the spec\'s default rules (Element\'s mapping)', () => {
  it('reads the spec defaults: all messages everywhere, bots quiet, sounds for mentions, DMs and calls', () => {
    assert.deepEqual(selectNotificationDefaults(withRules(specRules())), {
      level: { group: 'all', dm: 'all' },
      other: { invite: true, call: true, bots: false, tombstone: true },
      sound: { mentions: true, dm: true, group: false, calls: true },
    });
    const unloaded = selectNotificationDefaults(withRules(undefined));
    assert.equal(unloaded.level.group, null);
  });

  it('group chats to mentions and keywords: dont_notify on both message rules; and back to all messages', () => {
    const rules = specRules();
    const quiet = levelEdits(withRules(rules), 'group', 'mentions');
    assert.deepEqual(quiet, [
      { kind: 'underride', rule_id: '.m.rule.message', action: 'put_actions', actions: ['dont_notify'] },
      { kind: 'underride', rule_id: '.m.rule.encrypted', action: 'put_actions', actions: ['dont_notify'] },
    ]);
    const after = selectNotificationDefaults(withRules(applied(rules, quiet)));
    assert.equal(after.level.group, 'mentions');
    assert.equal(after.level.dm, 'all', 'one-to-one chats keep their own default');
    assert.deepEqual(levelEdits(withRules(applied(rules, quiet)), 'group', 'mentions'), [], 'nothing to do when it already is');

    // Back, with one of the pair disabled meanwhile (as another client may leave it): both enabled and notifying.
    const halfOff = applied(applied(rules, quiet), [{ kind: 'underride', rule_id: '.m.rule.encrypted', action: 'disable' }]);
    assert.deepEqual(levelEdits(withRules(halfOff), 'group', 'all'), [
      { kind: 'underride', rule_id: '.m.rule.message', action: 'put_actions', actions: ['notify', NO_HIGHLIGHT] },
      { kind: 'underride', rule_id: '.m.rule.encrypted', action: 'put_actions', actions: ['notify', NO_HIGHLIGHT] },
      { kind: 'underride', rule_id: '.m.rule.encrypted', action: 'enable' },
    ]);
  });

  it('either rule of a pair notifying reads as all messages; a disabled one does not count', () => {
    const one = applied(specRules(), [{ kind: 'underride', rule_id: '.m.rule.message', action: 'put_actions', actions: [] }]);
    assert.equal(selectNotificationDefaults(withRules(one)).level.group, 'all');
    const none = applied(one, [{ kind: 'underride', rule_id: '.m.rule.encrypted', action: 'disable' }]);
    assert.equal(selectNotificationDefaults(withRules(none)).level.group, 'mentions');
  });

  it('one-to-one chats keep their sound to all messages, and drop it with mentions only, as Element does', () => {
    const rules = specRules();
    const quiet = levelEdits(withRules(rules), 'dm', 'mentions');
    assert.deepEqual(quiet.map((e) => [e.rule_id, e.actions]), [
      ['.m.rule.room_one_to_one', ['dont_notify']], ['.m.rule.encrypted_room_one_to_one', ['dont_notify']],
    ]);
    const back = levelEdits(withRules(applied(rules, quiet)), 'dm', 'all');
    assert.deepEqual(back[0]?.actions, ['notify', NO_HIGHLIGHT]);
    // Already all messages: the spec's actions (no highlight tweak) mean the same as Element's, nothing is rewritten.
    assert.deepEqual(levelEdits(withRules(rules), 'dm', 'all'), []);
  });

  it('other events: invitations, calls and room upgrades are their rules enabled; bots are suppress_notices off', () => {
    const snap = withRules(specRules());
    assert.deepEqual(otherEdits(snap, 'bots', true), [{ kind: 'override', rule_id: '.m.rule.suppress_notices', action: 'disable' }]);
    assert.deepEqual(otherEdits(snap, 'invite', false), [{ kind: 'override', rule_id: '.m.rule.invite_for_me', action: 'disable' }]);
    assert.deepEqual(otherEdits(snap, 'tombstone', false), [{ kind: 'override', rule_id: '.m.rule.tombstone', action: 'disable' }]);
    const callOff = applied(specRules(), otherEdits(snap, 'call', false));
    assert.equal(selectNotificationDefaults(withRules(callOff)).other.call, false);
    // Switched back on after another client left it enabled but silent: it notifies again, and rings.
    const silentCall = applied(specRules(), [{ kind: 'underride', rule_id: '.m.rule.call', action: 'put_actions', actions: ['dont_notify'] }]);
    assert.deepEqual(otherEdits(withRules(silentCall), 'call', true), [
      { kind: 'underride', rule_id: '.m.rule.call', action: 'put_actions', actions: ['notify', { set_tweak: 'sound', value: 'ring' }, NO_HIGHLIGHT] },
    ]);
    const botsOn = applied(specRules(), otherEdits(snap, 'bots', true));
    assert.equal(selectNotificationDefaults(withRules(botsOn)).other.bots, true);
  });

  it('sounds: the sound tweak on the rules that notify, keeping their highlight', () => {
    const rules = specRules();
    const quietMentions = soundEdits(withRules(rules), 'mentions', false);
    assert.deepEqual(quietMentions.map((e) => e.rule_id), [
      '.m.rule.is_user_mention', '.m.rule.contains_user_name', '.m.rule.contains_display_name', 'lattice',
    ]);
    assert.ok(quietMentions.every((e) => JSON.stringify(e.actions) === JSON.stringify(['notify', { set_tweak: 'highlight' }])));
    assert.equal(selectNotificationDefaults(withRules(applied(rules, quietMentions))).sound.mentions, false);

    const dmSound = soundEdits(withRules(rules), 'dm', false);
    assert.deepEqual(dmSound.map((e) => e.rule_id), ['.m.rule.room_one_to_one', '.m.rule.encrypted_room_one_to_one', '.m.rule.invite_for_me'],
      'invitations sound with one-to-one chats, as in Element');
    const groupSound = soundEdits(withRules(rules), 'group', true);
    assert.deepEqual(groupSound.map((e) => e.actions), [
      ['notify', { set_tweak: 'sound', value: 'default' }, NO_HIGHLIGHT], ['notify', { set_tweak: 'sound', value: 'default' }, NO_HIGHLIGHT],
    ]);
    assert.equal(selectNotificationDefaults(withRules(applied(rules, groupSound))).sound.group, true);
    // Group chats at mentions only: the message rules do not notify, so there is nothing to sound.
    assert.deepEqual(soundEdits(withRules(applied(rules, levelEdits(withRules(rules), 'group', 'mentions'))), 'group', true), []);
    assert.deepEqual(soundEdits(withRules(rules), 'calls', false)[0]?.actions, ['notify', NO_HIGHLIGHT]);
  });

  it('a rule the server lacks: its setting reads null and its edit fails in words; a half-present pair edits what is there', () => {
    const old = without(specRules(), '.m.rule.room_one_to_one', '.m.rule.encrypted_room_one_to_one', '.m.rule.tombstone', '.m.rule.encrypted', '.m.rule.call');
    const s = selectNotificationDefaults(withRules(old));
    assert.equal(s.level.dm, null);
    assert.equal(s.other.tombstone, null);
    assert.equal(s.sound.calls, null);
    assert.equal(s.sound.dm, null);
    assert.equal(s.level.group, 'all');
    assert.throws(() => levelEdits(withRules(old), 'dm', 'mentions'), /does not have the push rules for one-to-one chats/);
    assert.throws(() => otherEdits(withRules(old), 'tombstone', true), /does not have the push rules for room upgrades/);
    assert.throws(() => soundEdits(withRules(old), 'calls', true), /does not have the push rules for calls/);
    assert.deepEqual(levelEdits(withRules(old), 'group', 'mentions').map((e) => e.rule_id), ['.m.rule.message']);
    // Without .m.rule.is_user_mention (before Matrix 1.7) the older mention rules still carry the sound.
    assert.equal(selectNotificationDefaults(withRules(without(specRules(), '.m.rule.is_user_mention'))).sound.mentions, true);
  });
});

describe('settings tab list keys', () => {
  it('moves with the arrows, wraps, and jumps with Home and End', () => {
    assert.equal(tabAfterKey('profile', 'ArrowDown'), 'sessions');
    assert.equal(tabAfterKey('profile', 'ArrowUp'), 'keyboard');
    assert.equal(tabAfterKey('keyboard', 'ArrowRight'), 'profile');
    assert.equal(tabAfterKey('security', 'Home'), 'profile');
    assert.equal(tabAfterKey('security', 'End'), 'keyboard');
    assert.equal(tabAfterKey('security', 'Enter'), null);
  });
});

describe('user-interactive auth for signing sessions out', () => {
  const challenge = (flows: string[][], extra: Record<string, unknown> = {}) => new MatrixError(401, 'M_UNKNOWN', 'auth needed', undefined,
    { session: 'S1', flows: flows.map((stages) => ({ stages })), params: {}, ...extra });
  const password = { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@a:x' }, password: 'pw', session: 'S1' };

  it('answers without auth when the server does not ask (or counts a recent sign-in)', async () => {
    const seen: (JSONObject | undefined)[] = [];
    assert.equal(await withPasswordAuth('@a:x', undefined, 'do it', async (auth) => { seen.push(auth); return 'ok'; }), 'ok');
    assert.deepEqual(seen, [undefined]);
  });

  it('retries once with the password and the server\'s session', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', 'pw', 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password'], ['m.login.sso']]);
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, password]);
  });

  it('completes a dummy stage without asking anything, preferring it to the password', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', undefined, 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password'], ['m.login.dummy']]);
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, { type: 'm.login.dummy', session: 'S1' }]);
  });

  it('walks a flow of several stages it can do, skipping those the server counts as completed', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const r = await withPasswordAuth('@a:x', 'pw', 'do it', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.password', 'm.login.dummy']]);
      if (auth.type === 'm.login.password') throw challenge([['m.login.password', 'm.login.dummy']], { completed: ['m.login.password'] });
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(seen, [undefined, password, { type: 'm.login.dummy', session: 'S1' }]);
  });

  it('sends the person to the fallback page for single sign-on, then retries with the session alone', async () => {
    const seen: (JSONObject | undefined)[] = [];
    const server = async (auth?: JSONObject) => {
      seen.push(auth);
      // The page was completed only on the third try.
      if (seen.length < 3) throw challenge([['m.login.sso']], seen.length === 2 ? { session: 'S2' } : {});
      return 'signed out';
    };
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'sign out 2 sessions', server), (e: Error) => e instanceof FallbackRequired
      && e.stage === 'm.login.sso' && e.session === 'S1' && e.path === '/_matrix/client/v3/auth/m.login.sso/fallback/web?session=S1'
      && /confirm with single sign-on in your browser to sign out 2 sessions/.test(e.message));
    // Back before finishing the page: asked again, with whatever session the server now gives.
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', server, 'S1'), (e: Error) => e instanceof FallbackRequired && e.session === 'S2');
    assert.equal(await withPasswordAuth('@a:x', undefined, 'x', server, 'S2'), 'signed out');
    assert.deepEqual(seen, [undefined, { session: 'S1' }, { session: 'S2' }], 'nothing but the session is sent after the page');
  });

  it('prefers a flow it can do itself to the fallback page, and walks its own stages before the page', async () => {
    const seen: (JSONObject | undefined)[] = [];
    assert.equal(await withPasswordAuth('@a:x', 'pw', 'x', async (auth) => {
      seen.push(auth);
      if (!auth) throw challenge([['m.login.sso'], ['m.login.password']]);
      return 'done';
    }), 'done');
    assert.deepEqual(seen, [undefined, password]);
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', async (auth) => {
      if (!auth) throw challenge([['m.login.dummy', 'm.login.terms']]);
      throw challenge([['m.login.dummy', 'm.login.terms']], { completed: ['m.login.dummy'] });
    }), (e: Error) => e instanceof FallbackRequired && e.stage === 'm.login.terms');
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', () => Promise.reject(challenge([['m.login.sso']], { session: undefined }))),
      /gave no session/);
  });

  it('says the password is needed without sending anything more when none was given', async () => {
    let calls = 0;
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'sign out 2 sessions', () => { calls++; return Promise.reject(challenge([['m.login.password']])); }),
      (e: Error) => e instanceof PasswordRequired && /asks for your account password to sign out 2 sessions/.test(e.message));
    assert.equal(calls, 1);
  });

  it('says in words what it cannot do and where to go instead', async () => {
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'sign out 2 sessions', () => Promise.reject(challenge([['m.login.msisdn']]))),
      /cannot do here to sign out 2 sessions \(it asks for a text message confirmation\)\. Do it from your homeserver's account page or from another Matrix app/);
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'x', () => Promise.reject(challenge([['m.login.email.identity', 'm.login.password']]))),
      /it asks for an email confirmation then your password/);
    await assert.rejects(withPasswordAuth('@a:x', 'bad', 'sign out 2 sessions', (auth) => Promise.reject(auth
      ? new MatrixError(401, 'M_FORBIDDEN', 'Invalid password', undefined, { flows: [{ stages: ['m.login.password'] }] })
      : challenge([['m.login.password']]))),
    /refused the password, so it did not sign out 2 sessions/);
    // A stage the server does not count as done is not sent again and again.
    let calls = 0;
    await assert.rejects(withPasswordAuth('@a:x', undefined, 'x', () => { calls++; return Promise.reject(challenge([['m.login.dummy']])); }),
      /did not accept the confirmation \(m.login.dummy\)/);
    assert.equal(calls, 2);
    const other = new MatrixError(403, 'M_FORBIDDEN', 'nope');
    await assert.rejects(withPasswordAuth('@a:x', 'pw', 'x', () => Promise.reject(other)), (e) => e === other);
  });
});
