/**
 * Request ids from frontends are positive integers (issue 8): anything else is answered with an error under id 0,
 * for every host, since the check sits in the dispatcher's envelope parsing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import { Dispatcher, type Handlers } from '../../src/main/backend/rpc/dispatcher.ts';

function dispatcher(): { d: Dispatcher; out: Envelope[] } {
  const out: Envelope[] = [];
  const handlers = { get_state: () => ({ is_initialized: true, is_logged_in: false, is_verified: false }) } as unknown as Handlers;
  return { d: new Dispatcher(handlers, (e) => out.push(e)), out };
}

describe('request ids', () => {
  test('anything but a positive integer is answered with an error; a missing id is not answered', async () => {
    for (const id of [-1, 0, 1.5, '7', null, true, 2 ** 60, Number.NaN]) {
      const { d, out } = dispatcher();
      d.receive({ command: 'get_state', request_id: id });
      await new Promise((r) => setImmediate(r));
      assert.equal(out.length, 1, String(id));
      assert.equal(out[0].command, 'error', String(id));
      assert.equal(out[0].request_id, 0, String(id));
      assert.match(String(out[0].data), /request_id/, String(id));
    }
    const { d, out } = dispatcher();
    d.receive({ command: 'get_state' });
    d.receive({ command: 'get_state', request_id: 3 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(out.map((e) => [e.command, e.request_id]), [['response', 3]]);
  });
});
