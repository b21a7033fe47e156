/**
 * The user info panel's and the verification UI's pure parts: verification flows in the store (a late answer never
 * moves a flow back, a finished flow stays finished), the incoming requests, what our power level lets us do to a
 * member, the power-levels content a change sends, the ignore list read from account data, and how a verification
 * asked in a room reads in the timeline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moderationRights, setPowerLevel } from '../../src/renderer/api/moderation.ts';
import type { Session } from '../../src/renderer/api/session.ts';
import { emptyRoom, initialSnapshot, type RoomData } from '../../src/renderer/api/snapshot.ts';
import { selectIsIgnored } from '../../src/renderer/api/user-info.ts';
import { reduceVerificationList, reduceVerificationUpdate, selectIncomingRequests } from '../../src/renderer/api/verifications.ts';
import type { VerificationFlow } from '../../src/shared/rpc/commands/verification.ts';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';
import { previewText, viewEvent } from '../../src/renderer/ui/room/event-view.ts';

const ME = '@me:hs';
const BOB = '@bob:hs';

function flow(over: Partial<VerificationFlow> = {}): VerificationFlow {
  return { transaction_id: 't1', user_id: BOB, phase: 'requested', we_started: false, self_verification: false, ...over };
}

describe('verification flows in the store', () => {
  it('follows a flow forward and never back, and keeps a finished flow', () => {
    let s = reduceVerificationUpdate(initialSnapshot(), flow());
    assert.deepEqual(selectIncomingRequests(s).map((f) => f.transaction_id), ['t1']);
    s = reduceVerificationUpdate(s, flow({ phase: 'sas', sas: { emoji: [], decimals: [1, 2, 3] } }));
    const atSas = s;
    // The answer of an earlier command arriving late: ignored, and the same snapshot (nothing re-renders).
    assert.equal(reduceVerificationUpdate(s, flow({ phase: 'ready' })), atSas);
    assert.equal(reduceVerificationUpdate(s, flow({ phase: 'sas', sas: { emoji: [], decimals: [1, 2, 3] } })), atSas);
    assert.deepEqual(selectIncomingRequests(s), []);
    s = reduceVerificationUpdate(s, flow({ phase: 'done' }));
    assert.equal(reduceVerificationUpdate(s, flow({ phase: 'cancelled', cancel: { code: 'm.user', reason: 'late', by_us: false } })), s);
    assert.equal(s.verifications.get('t1')?.phase, 'done');
  });

  it('shows only requests others sent that nobody answered yet', () => {
    let s = reduceVerificationUpdate(initialSnapshot(), flow({ transaction_id: 'ours', phase: 'created', we_started: true }));
    s = reduceVerificationUpdate(s, flow({ transaction_id: 'theirs' }));
    s = reduceVerificationUpdate(s, flow({ transaction_id: 'gone', phase: 'cancelled' }));
    assert.deepEqual(selectIncomingRequests(s).map((f) => f.transaction_id), ['theirs']);
    assert.equal(selectIncomingRequests(s), selectIncomingRequests(s), 'memoized on the flows');
    const listed = reduceVerificationList(s, [flow({ transaction_id: 'other' })]);
    assert.deepEqual([...listed.verifications.keys()], ['other'], 'a get_verifications answer replaces the flows');
  });
});

function state(rowid: number, type: string, stateKey: string, content: JSONObject, sender = ME): Event {
  return { rowid, timeline_rowid: 0, room_id: '!r:hs', event_id: `$s${rowid}`, sender, type, state_key: stateKey, timestamp: rowid, content };
}

/** A room with power levels and members (each `[user, membership]`). */
function roomWith(pl: JSONObject, members: [string, string][], version = '10'): RoomData {
  const events = [
    state(1, 'm.room.create', '', { room_version: version }),
    state(2, 'm.room.power_levels', '', pl),
    ...members.map(([u, m], i) => state(10 + i, 'm.room.member', u, { membership: m }, u)),
  ];
  return {
    ...emptyRoom('!r:hs'),
    events: new Map(events.map((e) => [e.rowid, e])),
    state: {
      'm.room.create': { '': 1 },
      'm.room.power_levels': { '': 2 },
      'm.room.member': Object.fromEntries(members.map(([u], i) => [u, 10 + i])),
    },
  };
}

describe('moderation rights', () => {
  it('lets an admin kick, ban and promote a member below them', () => {
    const room = roomWith({ users: { [ME]: 100 } }, [[ME, 'join'], [BOB, 'join']]);
    assert.deepEqual(moderationRights(room, ME, BOB), { kick: true, ban: true, unban: false, changePower: true, maxPower: 100 });
  });

  it('gives a member nothing over an equal or higher member, and only their own level to lower', () => {
    const room = roomWith({ users: { [ME]: 50, [BOB]: 50 } }, [[ME, 'join'], [BOB, 'join']]);
    const r = moderationRights(room, ME, BOB);
    assert.equal(r.kick || r.ban || r.changePower, false);
    const self = moderationRights(room, ME, ME);
    assert.equal(self.kick || self.ban, false, 'no kicking oneself from the panel');
    assert.equal(self.changePower, true);
  });

  it('follows the room\'s kick, ban and power-levels levels', () => {
    const room = roomWith({ users: { [ME]: 60 }, kick: 70, ban: 50, events: { 'm.room.power_levels': 80 } }, [[ME, 'join'], [BOB, 'ban']]);
    assert.deepEqual(moderationRights(room, ME, BOB), { kick: false, ban: false, unban: false, changePower: false, maxPower: 60 });
    const lower = roomWith({ users: { [ME]: 60 }, kick: 50, ban: 50 }, [[ME, 'join'], [BOB, 'ban']]);
    assert.equal(moderationRights(lower, ME, BOB).unban, true);
  });

  it('never offers to change a v12 room creator\'s level', () => {
    const room = roomWith({ users: { [ME]: 100 } }, [[ME, 'join'], [BOB, 'join']], '12');
    // BOB is not the creator (ME sent the create event): ME outranks everyone.
    assert.equal(moderationRights(room, ME, BOB).changePower, true);
    assert.equal(moderationRights(room, BOB, ME).changePower, false);
  });

  it('sends the power levels with only the user\'s entry changed, dropping it at the default', async () => {
    const room = roomWith({ users: { [ME]: 100, [BOB]: 50 }, users_default: 0, ban: 50 }, [[ME, 'join'], [BOB, 'join']]);
    const sent: unknown[] = [];
    const session = { client: { request: (cmd: string, data: unknown) => { sent.push([cmd, data]); return Promise.resolve('$e'); } } } as unknown as Session;
    await setPowerLevel(session, room, BOB, 100);
    await setPowerLevel(session, room, BOB, 0);
    assert.deepEqual(sent, [
      ['set_state', { room_id: '!r:hs', type: 'm.room.power_levels', state_key: '', content: { users: { [ME]: 100, [BOB]: 100 }, users_default: 0, ban: 50 } }],
      ['set_state', { room_id: '!r:hs', type: 'm.room.power_levels', state_key: '', content: { users: { [ME]: 100 }, users_default: 0, ban: 50 } }],
    ]);
    await assert.rejects(setPowerLevel(session, room, BOB, 1.5), /whole number/);
  });
});

describe('ignore list', () => {
  it('reads m.ignored_user_list from the account data', () => {
    const snap = { ...initialSnapshot(), accountData: { 'm.ignored_user_list': { user_id: ME, type: 'm.ignored_user_list', content: { ignored_users: { [BOB]: {} } } } } };
    assert.equal(selectIsIgnored(snap, BOB), true);
    assert.equal(selectIsIgnored(snap, '@carol:hs'), false);
    assert.equal(selectIsIgnored(initialSnapshot(), BOB), false);
  });
});

describe('a verification asked in a room', () => {
  const request = (content: JSONObject): Event => ({
    rowid: 1, timeline_rowid: 1, room_id: '!dm:hs', event_id: '$req', sender: ME, type: 'm.room.message', timestamp: 1, content,
  });
  const names = (id: string) => ({ [ME]: 'Me', [BOB]: 'Bob' })[id] ?? id;

  it('reads as a line saying who asked whom, not as its fallback text', () => {
    const e = request({ msgtype: 'm.key.verification.request', to: BOB, from_device: 'D', methods: ['m.sas.v1'],
      body: '@me:hs is requesting to verify your key, but your client does not support in-chat key verification.' });
    const v = viewEvent(e);
    assert.equal(v?.kind, 'state');
    assert.equal(v?.kind === 'state' && v.text(names), 'Me asked Bob to verify each other');
    assert.equal(previewText(e, names), 'Me asked Bob to verify each other');
    const noTarget = viewEvent(request({ msgtype: 'm.key.verification.request', body: 'x' }));
    assert.equal(noTarget?.kind === 'state' && noTarget.text(names), 'Me asked to verify');
    assert.equal(viewEvent(request({ msgtype: 'm.text', body: 'hello' }))?.kind, 'message');
  });
});
