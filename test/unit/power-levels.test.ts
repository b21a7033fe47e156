/** The roles-and-permissions model: reading power levels with the spec's defaults, changing one thing, and what we may change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canChangeAction, canChangeUser, levelChoices, privilegedUsers, readPowerLevels, roleName, roomCreators, withActionLevel, withUserLevel,
} from '../../src/renderer/api/power-levels.ts';

const PL = {
  users: { '@admin:hs': 100, '@mod:hs': 50, '@plain:hs': 0, '@odd:hs': 25 },
  users_default: 0, events: { 'm.room.name': 50 }, state_default: 50, events_default: 0, kick: 60,
};

describe('power-level model', () => {
  it('reads the levels, with the spec defaults for what is missing', () => {
    const pl = readPowerLevels(PL);
    assert.deepEqual(pl.actions, { send: 0, invite: 0, kick: 60, ban: 50, redact: 50, settings: 50, notify_room: 50 });
    assert.equal(pl.usersDefault, 0);
    assert.equal(readPowerLevels({ events_default: 10 }).actions.send, 10, 'send falls back to events_default');
    assert.equal(readPowerLevels({ events: { 'm.room.message': 20 } }).actions.send, 20);
    assert.equal(readPowerLevels(undefined).actions.settings, 0, 'no power levels: everyone may send state');
    assert.equal(readPowerLevels({ notifications: { room: 0 } }).actions.notify_room, 0);
  });

  it('lists the people whose level is not the default, highest first', () => {
    assert.deepEqual(privilegedUsers(readPowerLevels(PL)), [
      { userId: '@admin:hs', level: 100 }, { userId: '@mod:hs', level: 50 }, { userId: '@odd:hs', level: 25 },
    ]);
  });

  it('changes one user or one action and keeps the rest of the content', () => {
    const raised = withUserLevel(PL, '@plain:hs', 50);
    assert.deepEqual(raised.users, { ...PL.users, '@plain:hs': 50 });
    assert.equal(raised.kick, 60);
    assert.deepEqual(PL.users['@plain:hs'], 0, 'the input is not changed');
    const lowered = withUserLevel(PL, '@mod:hs', 0);
    assert.equal(Object.hasOwn(lowered.users as object, '@mod:hs'), false, 'the default level drops the entry');

    assert.deepEqual(withActionLevel(PL, 'send', 10).events, { 'm.room.name': 50, 'm.room.message': 10 });
    assert.equal(withActionLevel(PL, 'ban', 100).ban, 100);
    assert.equal(withActionLevel(PL, 'settings', 100).state_default, 100);
    assert.deepEqual(withActionLevel({ notifications: { x: 1 } }, 'notify_room', 0).notifications, { x: 1, room: 0 });
    assert.deepEqual(withUserLevel(undefined, '@a:hs', 50), { users: { '@a:hs': 50 } });
  });

  it('follows the spec on what we may change', () => {
    assert.equal(canChangeUser(50, '@mod:hs', '@plain:hs', 0), true);
    assert.equal(canChangeUser(50, '@mod:hs', '@other-mod:hs', 50), false, 'an equal cannot be changed');
    assert.equal(canChangeUser(50, '@mod:hs', '@mod:hs', 50), true, 'ourselves, down');
    assert.equal(canChangeAction(50, 50), true);
    assert.equal(canChangeAction(50, 100), false);
    assert.deepEqual(levelChoices(50, 25), [50, 25, 0], 'no role above ours; the current value stays');
    assert.deepEqual(levelChoices(100, 100), [100, 50, 0]);
    assert.deepEqual(levelChoices(Number.POSITIVE_INFINITY, 0), [100, 50, 0]);
  });

  it('names the creators of rooms where they outrank everyone', () => {
    assert.deepEqual(roomCreators({ room_version: '12', additional_creators: ['@b:hs', '@a:hs', 3] }, '@a:hs'), ['@a:hs', '@b:hs']);
    assert.deepEqual(roomCreators({ room_version: '10' }, '@a:hs'), []);
    assert.deepEqual(roomCreators(undefined, undefined), []);
  });

  it('names the roles', () => {
    assert.equal(roleName(100), 'Admin');
    assert.equal(roleName(50), 'Moderator');
    assert.equal(roleName(0), 'Default');
    assert.equal(roleName(25), 'Custom (25)');
    assert.equal(roleName(Number.POSITIVE_INFINITY), 'Creator');
  });
});
