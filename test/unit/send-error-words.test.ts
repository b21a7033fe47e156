/**
 * The words a refused message shows under it (describeSendError): what the person can understand and act on, with
 * the server's own text only where it says more than its error code, and never a bare error code where words say it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError, describeSendError, MatrixError } from '../../src/main/backend/matrix/errors.ts';

const refused = (status: number, errcode: string, text: string) => describeSendError(new MatrixError(status, errcode, text));

describe('describeSendError', () => {
  it('says a power-level refusal in words, with the two levels from Synapse\'s text', () => {
    assert.equal(refused(403, 'M_FORBIDDEN', "You don't have permission to post that to the room. user_level (0) < send_level (50)"),
      'You are not allowed to send this in this room: it takes power level 50, and yours is 0.');
    assert.equal(refused(403, 'M_FORBIDDEN', 'You do not have permission to post that to the room'),
      'You are not allowed to send this in this room.');
  });

  it('says when we are not in the room, or banned from it', () => {
    assert.equal(refused(403, 'M_FORBIDDEN', 'User @alice:hs not in room !abc:hs (None)'), 'You are not a member of this room (any more).');
    assert.equal(refused(403, 'M_FORBIDDEN', 'You are banned from this room'), 'You are banned from this room.');
  });

  it('keeps the server\'s text where it is the only reason there is', () => {
    assert.equal(refused(403, 'M_FORBIDDEN', 'This message is not allowed by the spam filter'),
      'The homeserver does not allow it here: This message is not allowed by the spam filter.');
    assert.equal(refused(400, 'M_UNKNOWN', 'Something odd'), 'The homeserver refused it: Something odd.');
    assert.equal(refused(400, 'M_EXOTIC', 'Rare reason.'), 'The homeserver refused it (M_EXOTIC): Rare reason.');
  });

  it('says the common refusals without the server\'s code', () => {
    for (const [code, words] of [
      ['M_TOO_LARGE', 'It is too large for the homeserver.'],
      ['M_NOT_FOUND', 'The homeserver does not know this room.'],
      ['M_GUEST_ACCESS_FORBIDDEN', 'Guests may not send in this room.'],
    ] as const) {
      const text = refused(413, code, 'event too large');
      assert.equal(text, words);
      assert.doesNotMatch(text, /M_[A-Z_]+/);
    }
  });

  it('says what went wrong with anything that is not a Matrix error', () => {
    assert.equal(describeSendError(new Error('the room key could not be shared')), 'It could not be sent: the room key could not be shared.');
    const offline = new ConnectionError('https://hs.example/_matrix/client/v3/x', Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    assert.match(describeSendError(offline), /^It could not be sent: Could not reach the homeserver at https:\/\/hs\.example/);
  });
});
