/**
 * The words for failed joins and address creations (describeJoinError, describeAliasCreateError): they live in
 * matrix/errors.ts with the other wordings, and only replace the server's words where ours say more.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError, describeAliasCreateError, describeJoinError, MatrixError } from '../../src/main/backend/matrix/errors.ts';

describe('describeJoinError', () => {
  it('says an address nobody has taken in one sentence', () => {
    const e = new MatrixError(404, 'M_NOT_FOUND', 'Room alias #nope:hs not found');
    assert.equal(describeJoinError(e, '#nope:hs'), 'There is no room at #nope:hs. Check the address.');
  });

  it('leaves other failures to the server\'s words', () => {
    assert.equal(describeJoinError(new MatrixError(404, 'M_NOT_FOUND', 'No known servers'), '!room:hs'), undefined);
    assert.equal(describeJoinError(new MatrixError(403, 'M_FORBIDDEN', 'You are banned'), '#room:hs'), undefined);
    assert.equal(describeJoinError(new ConnectionError('https://hs.example/', new Error('down')), '#room:hs'), undefined);
  });
});

describe('describeAliasCreateError', () => {
  it('says a taken address in one sentence', () => {
    const e = new MatrixError(409, 'M_UNKNOWN', 'Room alias #taken:hs already exists');
    assert.equal(describeAliasCreateError(e, '#taken:hs'), 'Could not create #taken:hs: that address is already taken.');
  });

  it('leaves other failures to the server\'s words', () => {
    assert.equal(describeAliasCreateError(new MatrixError(403, 'M_FORBIDDEN', 'Not allowed'), '#x:hs'), undefined);
  });
});
