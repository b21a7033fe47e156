/** The media routes' byte ranges (what an <audio> element asks for to seek), by RFC 9110's rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteRange, rangeHeaders } from '../../src/main/host/byte-range.ts';

describe('parseByteRange', () => {
  it('reads one range, open-ended or the last N bytes, cut to the body', () => {
    assert.deepEqual(parseByteRange('bytes=0-', 10), { start: 0, end: 9 });
    assert.deepEqual(parseByteRange('bytes=2-5', 10), { start: 2, end: 5 });
    assert.deepEqual(parseByteRange('bytes=4-100', 10), { start: 4, end: 9 });
    assert.deepEqual(parseByteRange('bytes=-3', 10), { start: 7, end: 9 });
    assert.deepEqual(parseByteRange('bytes=-30', 10), { start: 0, end: 9 });
  });

  it('sends the whole body for no range, another unit, several ranges or a malformed one', () => {
    for (const h of [undefined, null, '', 'items=0-1', 'bytes=0-1,4-5', 'bytes=-', 'bytes=5-2', 'bytes=a-b']) {
      assert.equal(parseByteRange(h, 10), null, String(h));
    }
  });

  it('calls a range past the end unsatisfiable', () => {
    assert.equal(parseByteRange('bytes=10-', 10), 'unsatisfiable');
    assert.equal(parseByteRange('bytes=-0', 10), 'unsatisfiable');
    assert.equal(parseByteRange('bytes=0-', 0), 'unsatisfiable');
  });

  it('answers with Content-Range (and the part\'s length)', () => {
    assert.deepEqual(rangeHeaders({ start: 2, end: 5 }, 10), { 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4' });
    assert.deepEqual(rangeHeaders('unsatisfiable', 10), { 'Content-Range': 'bytes */10', 'Content-Length': '0' });
  });
});
