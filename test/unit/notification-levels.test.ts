/**
 * The Notifications tab's logic: the master switch and keywords read from the push rules, Element's Off / On / Noisy
 * level of each default rule (read leniently, written as Element writes it: dont_notify for messages, mentions and
 * bots, the rule disabled for keywords, invitations, calls and upgrades, with the rules that follow a row), a new
 * keyword's actions, rules an older server lacks; and the watch on the browser's notification permission.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRules } from '../../src/main/backend/push/default-rules.ts';
import {
  levelEdits, newKeywordTarget, selectNotificationLevels, type RuleEdit,
} from '../../src/renderer/api/notification-defaults.ts';
import { keywordProblem, selectNotificationSettings } from '../../src/renderer/api/notification-rules.ts';
import { initialSnapshot, type StoreSnapshot } from '../../src/renderer/api/snapshot.ts';
import { watchNotificationPermission, type PermissionEnv, type PermissionState } from '../../src/renderer/notify/permission-watch.ts';
import type { JSONObject } from '../../src/shared/rpc/types.ts';

function withRules(global: JSONObject | undefined): StoreSnapshot {
  const snap = initialSnapshot();
  if (!global) return snap;
  return { ...snap, accountData: { 'm.push_rules': { user_id: '@a:x', type: 'm.push_rules', content: { global } } } };
}

const SOUND = { set_tweak: 'sound', value: 'default' };
const NO_HIGHLIGHT = { set_tweak: 'highlight', value: false };
const HIGHLIGHT = { set_tweak: 'highlight' };

/** The spec's default rules as a current Synapse has them, plus one keyword as Lattice adds it. */
function specRules(): JSONObject {
  const rules = structuredClone(defaultRules('@alice:x')) as unknown as Record<string, JSONObject[]>;
  rules.content.push({ rule_id: 'lattice', default: false, enabled: true, pattern: 'lattice', actions: ['notify', SOUND, HIGHLIGHT] });
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

function withRule(global: JSONObject, kind: string, rule: JSONObject): JSONObject {
  const next = structuredClone(global) as unknown as Record<string, JSONObject[]>;
  next[kind].push(rule);
  return next;
}

const levels = (global: JSONObject) => selectNotificationLevels(withRules(global));

describe('master switch and keywords from the push rules', () => {
  it('reads the master rule and the keywords, the same object while the rules are', () => {
    const snap = withRules(specRules());
    assert.deepEqual(selectNotificationSettings(snap), { loaded: true, enabled: true, keywords: ['lattice'] });
    assert.equal(selectNotificationSettings(snap), selectNotificationSettings({ ...snap }));
    assert.equal(selectNotificationSettings(withRules(undefined)).loaded, false);
    const muted = applied(specRules(), [{ kind: 'override', rule_id: '.m.rule.master', action: 'enable' }]);
    assert.equal(selectNotificationSettings(withRules(muted)).enabled, false, 'an enabled master rule means notifications are off');
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

describe('Off / On / Noisy per default rule, as Element\'s settings', () => {
  it('reads the spec defaults', () => {
    assert.deepEqual(levels(specRules()), {
      dm: 'noisy', encrypted_dm: 'noisy', group: 'on', encrypted_group: 'on',
      display_name: 'noisy', user_name: 'noisy', room: 'noisy', keywords: 'noisy',
      invite: 'noisy', call: 'noisy', bots: 'off', tombstone: 'noisy',
    });
    const snap = withRules(specRules());
    assert.equal(selectNotificationLevels(snap), selectNotificationLevels({ ...snap }), 'the same object while the rules are the same');
    assert.equal(selectNotificationLevels(withRules(undefined)).dm, null, 'nothing to show before the rules arrive');
  });

  it('mentions Off keep the rules enabled with dont_notify (the intentional-mention rule follows), and come back Noisy', () => {
    const rules = specRules();
    const off = levelEdits(withRules(rules), 'display_name', 'off');
    assert.deepEqual(off, [
      { kind: 'override', rule_id: '.m.rule.contains_display_name', action: 'put_actions', actions: ['dont_notify'] },
      { kind: 'override', rule_id: '.m.rule.is_user_mention', action: 'put_actions', actions: ['dont_notify'] },
    ]);
    assert.ok(!off.some((e) => e.action === 'disable'), 'no rule is disabled');
    const afterOff = applied(rules, off);
    assert.equal(levels(afterOff).display_name, 'off');
    assert.equal(levels(afterOff).user_name, 'noisy', 'the username row is its own');
    assert.deepEqual(levelEdits(withRules(afterOff), 'display_name', 'off'), [], 'nothing to do when it already is');
    const noisy = levelEdits(withRules(afterOff), 'display_name', 'noisy');
    assert.deepEqual(noisy.map((e) => e.actions), [['notify', SOUND, HIGHLIGHT], ['notify', SOUND, HIGHLIGHT]]);

    const roomOff = levelEdits(withRules(rules), 'room', 'off');
    assert.deepEqual(roomOff.map((e) => [e.rule_id, e.action, e.actions]), [
      ['.m.rule.roomnotif', 'put_actions', ['dont_notify']], ['.m.rule.is_room_mention', 'put_actions', ['dont_notify']],
    ]);
    // @room On notifies without a highlight; Noisy is Element's highlight, no sound.
    assert.deepEqual(levelEdits(withRules(rules), 'room', 'on').map((e) => e.actions), [['notify', NO_HIGHLIGHT], ['notify', NO_HIGHLIGHT]]);
    assert.equal(levels(applied(rules, levelEdits(withRules(rules), 'room', 'on'))).room, 'on');
  });

  it('a mention rule an older client disabled reads Off, and turning it on puts the actions before enabling', () => {
    const disabled = applied(specRules(), [{ kind: 'content', rule_id: '.m.rule.contains_user_name', action: 'disable' }]);
    assert.equal(levels(disabled).user_name, 'off');
    assert.deepEqual(levelEdits(withRules(disabled), 'user_name', 'on'), [
      { kind: 'content', rule_id: '.m.rule.contains_user_name', action: 'put_actions', actions: ['notify', NO_HIGHLIGHT] },
      { kind: 'content', rule_id: '.m.rule.contains_user_name', action: 'enable' },
    ]);
    // A highlight without the sound (another client's "no sound for mentions") is On, not Noisy.
    const quiet = applied(specRules(), [{ kind: 'content', rule_id: '.m.rule.contains_user_name', action: 'put_actions', actions: ['notify', HIGHLIGHT] }]);
    assert.equal(levels(quiet).user_name, 'on');
  });

  it('messages: Off is dont_notify on an enabled rule, Noisy adds the sound, and the poll rules follow their chat kind', () => {
    const rules = withRule(specRules(), 'underride', { rule_id: '.org.matrix.msc3930.rule.poll_start', default: true, enabled: true, actions: ['notify'] });
    const off = levelEdits(withRules(rules), 'group', 'off');
    assert.deepEqual(off, [
      { kind: 'underride', rule_id: '.m.rule.message', action: 'put_actions', actions: ['dont_notify'] },
      { kind: 'underride', rule_id: '.org.matrix.msc3930.rule.poll_start', action: 'put_actions', actions: ['dont_notify'] },
    ]);
    const afterOff = levels(applied(rules, off));
    assert.deepEqual([afterOff.group, afterOff.encrypted_group, afterOff.dm], ['off', 'on', 'noisy'], 'each row is its own rule');
    assert.deepEqual(levelEdits(withRules(rules), 'encrypted_group', 'noisy'), [
      { kind: 'underride', rule_id: '.m.rule.encrypted', action: 'put_actions', actions: ['notify', SOUND, NO_HIGHLIGHT] },
    ]);
    const dmOn = levelEdits(withRules(rules), 'dm', 'on');
    assert.deepEqual(dmOn.map((e) => [e.rule_id, e.actions]), [['.m.rule.room_one_to_one', ['notify', NO_HIGHLIGHT]]]);
    assert.equal(levels(applied(rules, dmOn)).dm, 'on');
    // Already On: the spec's ['notify'] means the same as Element's spelling, nothing is rewritten.
    assert.deepEqual(levelEdits(withRules(rules), 'group', 'on'), []);
  });

  it('other events: invitations, calls and upgrades Off are the rule disabled; Noisy rings for calls; bots are the inverted suppress_notices', () => {
    const rules = specRules();
    const snap = withRules(rules);
    for (const [row, kind, id] of [['invite', 'override', '.m.rule.invite_for_me'], ['call', 'underride', '.m.rule.call'], ['tombstone', 'override', '.m.rule.tombstone']] as const) {
      const off = levelEdits(snap, row, 'off');
      assert.deepEqual(off, [{ kind, rule_id: id, action: 'disable' }], row);
      assert.equal(levels(applied(rules, off))[row], 'off', row);
    }
    // Off from On: disabled with On's actions; Noisy puts the ring back before enabling.
    const callOnRules = applied(rules, levelEdits(snap, 'call', 'on'));
    const callOff = applied(callOnRules, levelEdits(withRules(callOnRules), 'call', 'off'));
    assert.equal(levels(callOff).call, 'off');
    assert.deepEqual(levelEdits(withRules(callOff), 'call', 'noisy'), [
      { kind: 'underride', rule_id: '.m.rule.call', action: 'put_actions', actions: ['notify', { set_tweak: 'sound', value: 'ring' }, NO_HIGHLIGHT] },
      { kind: 'underride', rule_id: '.m.rule.call', action: 'enable' },
    ]);
    assert.deepEqual(levelEdits(snap, 'tombstone', 'on'), [{ kind: 'override', rule_id: '.m.rule.tombstone', action: 'put_actions', actions: ['notify', NO_HIGHLIGHT] }]);

    // Bots: the spec's suppress_notices (enabled, no actions) is Off; On disables it; Noisy makes it notify with a sound.
    assert.deepEqual(levelEdits(snap, 'bots', 'on'), [{ kind: 'override', rule_id: '.m.rule.suppress_notices', action: 'disable' }]);
    const botsOn = applied(rules, levelEdits(snap, 'bots', 'on'));
    assert.equal(levels(botsOn).bots, 'on');
    assert.deepEqual(levelEdits(withRules(botsOn), 'bots', 'off'), [{ kind: 'override', rule_id: '.m.rule.suppress_notices', action: 'enable' }]);
    const botsNoisy = levelEdits(snap, 'bots', 'noisy');
    assert.deepEqual(botsNoisy, [{ kind: 'override', rule_id: '.m.rule.suppress_notices', action: 'put_actions', actions: ['notify', SOUND, NO_HIGHLIGHT] }]);
    assert.equal(levels(applied(rules, botsNoisy)).bots, 'noisy');
  });

  it('keywords: every keyword rule at once, Off disabling them and keeping their actions; none: no level, and adding one is Noisy', () => {
    const rules = withRule(specRules(), 'content', { rule_id: 'tea', default: false, enabled: true, pattern: 'tea', actions: ['notify'] });
    assert.equal(levels(rules).keywords, 'noisy', 'any noisy keyword makes the row Noisy');
    const off = levelEdits(withRules(rules), 'keywords', 'off');
    assert.deepEqual(off, [
      { kind: 'content', rule_id: 'lattice', action: 'disable' }, { kind: 'content', rule_id: 'tea', action: 'disable' },
    ]);
    const allOff = applied(rules, off);
    assert.equal(levels(allOff).keywords, 'off');
    // A keyword added while they are off is off too, with the first one's flavour (Element's choice).
    assert.deepEqual(newKeywordTarget(withRules(allOff)), { enabled: false, actions: ['notify', SOUND, HIGHLIGHT] });
    assert.deepEqual(levelEdits(withRules(allOff), 'keywords', 'on'), [
      { kind: 'content', rule_id: 'lattice', action: 'put_actions', actions: ['notify', NO_HIGHLIGHT] },
      { kind: 'content', rule_id: 'lattice', action: 'enable' },
      { kind: 'content', rule_id: 'tea', action: 'enable' },
    ], 'tea already had On\'s actions');
    assert.deepEqual(newKeywordTarget(withRules(applied(allOff, levelEdits(withRules(allOff), 'keywords', 'on')))),
      { enabled: true, actions: ['notify', NO_HIGHLIGHT] }, 'a new keyword joins the others at On');

    const none = without(specRules(), 'lattice');
    assert.equal(levels(none).keywords, null);
    assert.throws(() => levelEdits(withRules(none), 'keywords', 'on'), /Add a keyword first/);
    assert.deepEqual(newKeywordTarget(withRules(none)), { enabled: true, actions: ['notify', SOUND, HIGHLIGHT] });
  });

  it('a rule the server lacks reads null and its edit fails in words; a missing follower is skipped', () => {
    const old = without(specRules(), '.m.rule.encrypted_room_one_to_one', '.m.rule.tombstone', '.m.rule.is_user_mention');
    const l = levels(old);
    assert.deepEqual([l.encrypted_dm, l.tombstone, l.dm], [null, null, 'noisy']);
    assert.throws(() => levelEdits(withRules(old), 'tombstone', 'on'), /does not have the push rule for "When rooms are upgraded"/);
    assert.deepEqual(levelEdits(withRules(old), 'display_name', 'off').map((e) => e.rule_id), ['.m.rule.contains_display_name']);
  });
});

describe('the browser\'s notification permission, followed live', () => {
  class Target {
    readonly listeners = new Map<string, Set<() => void>>();
    addEventListener(type: string, l: () => void): void {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type)!.add(l);
    }
    removeEventListener(type: string, l: () => void): void { this.listeners.get(type)?.delete(l); }
    fire(type: string): void { for (const l of [...this.listeners.get(type) ?? []]) l(); }
    count(): number { return [...this.listeners.values()].reduce((n, s) => n + s.size, 0); }
  }

  function setup(withQuery: 'answers' | 'rejects' | 'absent') {
    let current: NotificationPermission = 'default';
    const win = new Target();
    const status = new Target();
    const env: PermissionEnv = {
      read: () => current,
      targets: [win],
      ...(withQuery === 'absent' ? {} : {
        query: (d: { name: 'notifications' }) => {
          assert.equal(d.name, 'notifications');
          return withQuery === 'answers' ? Promise.resolve(status) : Promise.reject(new TypeError('not a permission name here'));
        },
      }),
    };
    const seen: PermissionState[] = [];
    const stop = watchNotificationPermission(env, (p) => seen.push(p));
    return { set: (p: NotificationPermission) => { current = p; }, win, status, seen, stop };
  }

  it('hears the permission status change, once per change', async () => {
    const w = setup('answers');
    await Promise.resolve();
    w.set('granted');
    w.status.fire('change');
    w.status.fire('change');
    assert.deepEqual(w.seen, ['granted']);
    w.set('denied');
    w.status.fire('change');
    assert.deepEqual(w.seen, ['granted', 'denied']);
    w.stop();
    assert.equal(w.status.count() + w.win.count(), 0, 'every listener removed');
  });

  it('tells at once what changed since the caller read it', () => {
    const seen: PermissionState[] = [];
    const stop = watchNotificationPermission({ read: () => 'granted', targets: [] }, (p) => seen.push(p), 'default');
    assert.deepEqual(seen, ['granted']);
    stop();
  });

  it('without the Permissions API (or when it refuses the name) reads again on focus and visibility', async () => {
    for (const mode of ['absent', 'rejects'] as const) {
      const w = setup(mode);
      await Promise.resolve();
      w.set('denied');
      w.win.fire('focus');
      w.set('granted');
      w.win.fire('visibilitychange');
      assert.deepEqual(w.seen, ['denied', 'granted'], mode);
      w.stop();
      w.set('default');
      w.win.fire('focus');
      assert.deepEqual(w.seen, ['denied', 'granted'], `${mode}: nothing after stop`);
    }
  });
});
