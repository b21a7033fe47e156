/** The contract's areas merge into one table without a command in two areas (a spread would hide one). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  commandAreas, commandSchemas, ignoringCommands, isCommandName, mediaCommands, membershipCommands, notificationCommands,
  peopleCommands,
  presenceCommands, readingCommands, roomActionCommands, roomCommands, roomKeyCommands, roomUpgradeCommands, searchCommands,
  sendCommands, serverCommands, sessionCommands, verificationCommands,
  accountCommands, cryptoCommands, deviceCommands, directoryCommands,
} from '../../src/shared/rpc/index.ts';

describe('RPC contract', () => {
  it('declares every command in exactly one area', () => {
    const areas = [
      sessionCommands, roomCommands, sendCommands, membershipCommands, peopleCommands, roomActionCommands, serverCommands,
      presenceCommands, ignoringCommands, roomUpgradeCommands,
      readingCommands, searchCommands, mediaCommands, notificationCommands, roomKeyCommands, verificationCommands,
      cryptoCommands, deviceCommands, accountCommands, directoryCommands,
    ];
    const names = areas.flatMap((a) => Object.keys(a));
    assert.equal(new Set(names).size, names.length, `declared twice: ${names.filter((n, i) => names.indexOf(n) !== i).join(', ')}`);
    assert.deepEqual(Object.keys(commandAreas).sort(), [...names].sort());
    assert.deepEqual(Object.keys(commandSchemas).sort(), [...names].sort());
  });

  it('keeps each command\'s schema as its area declared it', () => {
    assert.equal(commandSchemas.login, sessionCommands.login.schema);
    assert.equal(commandSchemas.paginate, roomCommands.paginate.schema);
    assert.equal(commandSchemas.send_event, sendCommands.send_event.schema);
  });

  it('knows its own command names and nothing inherited', () => {
    assert.equal(isCommandName('mark_read'), true);
    assert.equal(isCommandName('constructor'), false);
    assert.equal(isCommandName('__proto__'), false);
  });
});
