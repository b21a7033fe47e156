/**
 * Reporting abuse against Synapse: `report_event` (gomuks' command), `report_room` and `report_user` (Lattice
 * extensions, the spec's v1.13 room report and v1.14 user report). User reports are read back through Synapse's
 * admin API like event reports. Each report must reach the homeserver's administrators: event reports are read back
 * through Synapse's admin API; Synapse has no admin API for room reports yet, so those are read from its own
 * database (read-only). Refusals come back as sentences that say what could not be done.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startSharedRoomSession, type CommandSession, type SharedRoomSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';

interface EventReport { event_id: string; room_id: string; user_id: string; reason: string | null }
interface UserReport { target_user_id: string; user_id: string; reason: string }

describe('reporting events, rooms and users to the homeserver\'s administrators', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let s: CommandSession;
  let room: string;
  let admin: MatrixPeer;

  let fixture: SharedRoomSession | undefined;
  before(async () => {
    fixture = await startSharedRoomSession('Reported');
    ({ hs, alice, bob, room, s } = fixture);
    admin = new MatrixPeer(hs.baseUrl, await hs.registerUser('moderator', 'moderator-password', { admin: true }));
  });
  after(() => fixture?.stop());

  /** The room reports Synapse stored (it has no admin API to list them). */
  function roomReports(): { room_id: string; user_id: string; reason: string }[] {
    const db = new Database(path.join(hs.dataDir, 'homeserver.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT room_id, user_id, reason FROM room_reports').all() as { room_id: string; user_id: string; reason: string }[];
    } finally {
      db.close();
    }
  }

  it('report_event files the report with its reason, listed by the admin API', async () => {
    const rude = await bob.sendText(room, 'something abusive');
    assert.equal(await s.call('report_event', { room_id: room, event_id: rude, reason: 'Harassment' }), true);
    const { event_reports: reports } = await admin.request('GET', '/_synapse/admin/v1/event_reports') as { event_reports: EventReport[] };
    const mine = reports.filter((r) => r.event_id === rude);
    assert.deepEqual(mine.map((r) => [r.room_id, r.user_id, r.reason]), [[room, alice.userId, 'Harassment']]);
  });

  it('report_event refuses in words an event the homeserver does not know', async () => {
    await assert.rejects(s.client.request('report_event', { room_id: room, event_id: '$nothing-here' }),
      /Could not report this message: not found: .*does not exist/);
  });

  it('report_room files a room report with its reason', async () => {
    assert.equal(await s.call('report_room', { room_id: room, reason: 'Spam everywhere' }), true);
    assert.deepEqual(roomReports().map((r) => [r.room_id, r.user_id, r.reason]), [[room, alice.userId, 'Spam everywhere']]);
  });

  it('report_room refuses in words a room the homeserver does not know, and checks its input', async () => {
    await assert.rejects(s.client.request('report_room', { room_id: `!missing:${hs.serverName}`, reason: 'x' }),
      /Could not report this room: not found: Room does not exist\./);
    await assert.rejects(s.client.request('report_room', { room_id: 'not-a-room', reason: 'x' }), /room_id/);
    await assert.rejects(s.client.request('report_room', { room_id: room } as never), /reason/);
    assert.equal(roomReports().length, 1, 'nothing more was filed');
  });

  async function userReports(): Promise<UserReport[]> {
    return (await admin.request('GET', '/_synapse/admin/v1/user_reports') as { user_reports: UserReport[] }).user_reports;
  }

  it('report_user files a user report with its reason, listed by the admin API', async () => {
    assert.equal(await s.call('report_user', { user_id: bob.userId, reason: 'Sends spam to everyone' }), true);
    assert.deepEqual((await userReports()).map((r) => [r.target_user_id, r.user_id, r.reason]),
      [[bob.userId, alice.userId, 'Sends spam to everyone']]);
  });

  it('report_user checks its input and refuses in words what the homeserver refuses', async () => {
    await assert.rejects(s.client.request('report_user', { user_id: 'bob', reason: 'x' }), /user_id/);
    await assert.rejects(s.client.request('report_user', { user_id: bob.userId } as never), /reason/);
    await assert.rejects(s.client.request('report_user', { user_id: bob.userId, reason: 'x'.repeat(1001) }),
      /Could not report this user: .*Reason must be less than 1000 characters/);
    assert.equal((await userReports()).length, 1, 'nothing more was filed');
  });
});
