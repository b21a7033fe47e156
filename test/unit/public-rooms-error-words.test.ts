/**
 * The words for a public room directory that cannot be read (describePublicRoomsError): asking another server's
 * directory goes through our homeserver over federation, whose refusals say little on their own. And for a user
 * directory search that fails (describeUserDirectoryError): a server without one, or keeping its users to itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionError, describePublicRoomsError, describeUserDirectoryError, MatrixError } from '../../src/main/backend/matrix/errors.ts';

describe('describePublicRoomsError', () => {
  it('says a server that cannot be reached (Synapse: 502) by its name, with what to check', () => {
    const e = new MatrixError(502, 'M_UNKNOWN', 'Failed to fetch room list');
    assert.equal(describePublicRoomsError(e, 'nowhere.example'),
      'Could not get the room directory of nowhere.example: the server could not be reached, or it does not share its directory with other servers. Check its name (such as matrix.org).');
  });

  it('says a server that keeps its directory to its own users', () => {
    const e = new MatrixError(403, 'M_FORBIDDEN', 'You are not allowed to view the public rooms list of other.example');
    assert.equal(describePublicRoomsError(e, 'other.example'), 'other.example does not share its room directory with users of other servers.');
  });

  it('says our own homeserver will not talk to that server', () => {
    const e = new MatrixError(403, 'M_FORBIDDEN', 'Federation denied with other.example.');
    assert.match(describePublicRoomsError(e, 'other.example') ?? '', /^Your homeserver does not talk to other\.example /);
  });

  it('says a name that is not a server name', () => {
    const e = new MatrixError(400, 'M_INVALID_PARAM', 'Invalid server name: x y');
    assert.equal(describePublicRoomsError(e, 'x y'), 'x y is not a valid server name.');
  });

  it('leaves our own server\'s directory, rate limits and other failures to the usual words', () => {
    assert.equal(describePublicRoomsError(new MatrixError(502, 'M_UNKNOWN', 'Bad gateway'), undefined), undefined);
    assert.equal(describePublicRoomsError(new MatrixError(429, 'M_LIMIT_EXCEEDED', 'Too many', 2000), 'other.example'), undefined);
    assert.equal(describePublicRoomsError(new MatrixError(500, 'M_UNKNOWN', 'Internal error'), 'other.example'), undefined);
    assert.equal(describePublicRoomsError(new ConnectionError('https://hs.example/', new Error('down')), 'other.example'), undefined);
  });
});

describe('describeUserDirectoryError', () => {
  const typeIt = 'Type the whole user ID instead (such as @someone:example.org).';

  it('says a homeserver without the search (Synapse: 404 M_UNRECOGNIZED; others a bare 404 or 405 page), and what to do', () => {
    const words = `Your homeserver does not offer a search of its users. ${typeIt}`;
    assert.equal(describeUserDirectoryError(new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request')), words);
    assert.equal(describeUserDirectoryError(new MatrixError(405, 'M_UNKNOWN', 'HTTP 405')), words);
  });

  it('says a homeserver that keeps its users to itself', () => {
    assert.equal(describeUserDirectoryError(new MatrixError(403, 'M_FORBIDDEN', 'Forbidden', undefined, {})),
      `Your homeserver does not let you search its users. ${typeIt}`);
  });

  it('says a failing homeserver by its status', () => {
    assert.equal(describeUserDirectoryError(new MatrixError(502, 'M_UNKNOWN', 'Bad gateway')),
      'Your homeserver failed to search its users (HTTP 502); it may be busy or down for a moment.');
  });

  it('leaves rate limits, connection failures and other refusals to the usual words', () => {
    assert.equal(describeUserDirectoryError(new MatrixError(429, 'M_LIMIT_EXCEEDED', 'Too many', 2000)), undefined);
    assert.equal(describeUserDirectoryError(new MatrixError(400, 'M_INVALID_PARAM', 'Bad term', undefined, {})), undefined);
    assert.equal(describeUserDirectoryError(new ConnectionError('https://hs.example/', new Error('down'))), undefined);
  });
});
