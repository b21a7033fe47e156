/**
 * The media path both hosts parse (`/_gomuks/media/<server>/<mediaId>`, `lattice://media/...`): only server names of
 * the spec's grammar and media IDs of the allowed characters get through, so a crafted path cannot make the backend
 * fetch another homeserver endpoint with the user's token.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mxcToPath, parseMediaPath } from '../../src/shared/rpc/media.ts';

const noQuery = { get: () => null };
const parse = (p: string) => parseMediaPath(p, noQuery);

describe('media paths', () => {
  it('accepts DNS names, IPv4 and bracketed IPv6 literals, with a port', () => {
    for (const server of ['example.org', 'matrix.example.org', 'localhost', 'example.org:8448', '1.2.3.4', '1.2.3.4:80',
      '[::1]', '[1234:5678::abcd]:8448', 'xn--bcher-kva.example']) {
      assert.deepEqual(parse(`${encodeURIComponent(server)}/abc_DEF-123`), { server, mediaId: 'abc_DEF-123' }, server);
    }
  });

  it('refuses `..` and friends in the server name, encoded or not', () => {
    for (const raw of ['..', '.', '%2e%2e', '%2E%2E', '..%3A8448', 'a..b', '.example.org', 'example.org.', 'a/..', '%2e.',
      'example.org%2F..', 'example.org:0', 'example.org:65536', 'example.org:', ':8448', '[::1', 'ex ample.org',
      'example.org%00', 'a'.repeat(64) + '.org', '[..]x', '%5B%3A%3A1%5D%2F..']) {
      const got = parse(`${raw}/abc`);
      assert.ok('error' in got, `${raw} was accepted: ${JSON.stringify(got)}`);
    }
  });

  it('refuses media IDs outside [A-Za-z0-9_-]', () => {
    for (const id of ['..', '.', '%2e%2e', 'a.b', 'a%2Fb', 'a b', '', 'a%00', '%C3%A9']) {
      assert.ok('error' in parse(`example.org/${id}`), id);
    }
    assert.ok('error' in parse('example.org/../x'), 'three segments');
  });

  it('reads the event that carries an encrypted file, and refuses one that is no event ID', () => {
    const query = (q: string) => new URLSearchParams(q);
    assert.deepEqual(parseMediaPath('example.org/abc', query('encrypted=true&event=%24ev%2F%2B1')),
      { server: 'example.org', mediaId: 'abc', encrypted: true, eventId: '$ev/+1' });
    assert.deepEqual(parseMediaPath('example.org/abc', query('event=%24ev')), { server: 'example.org', mediaId: 'abc' },
      'only an encrypted file needs it');
    for (const bad of ['ev', '$', '$a b', `$${'a'.repeat(255)}`, '$\u00e9']) {
      assert.ok('error' in parseMediaPath('example.org/abc', query(`encrypted=true&event=${encodeURIComponent(bad)}`)), bad);
    }
  });

  it('builds host paths only from valid mxc URIs', () => {
    assert.equal(mxcToPath('mxc://example.org:8448/abc'), 'example.org%3A8448/abc');
    assert.equal(mxcToPath('mxc://../abc'), undefined);
    assert.equal(mxcToPath('mxc://a..b/abc'), undefined);
    assert.equal(mxcToPath('mxc://example.org/a.b'), undefined);
  });
});
