/**
 * The shell's requests on its own backend connection: answers matched by id, errors in words, timeouts, and
 * events told apart from answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../src/shared/rpc/envelope.ts';
import { ShellRpc } from '../../src/main/desktop/shell-rpc.ts';

describe('ShellRpc', () => {
  it('sends a request with a fresh positive id and resolves with its response', async () => {
    const sent: Envelope[] = [];
    const rpc = new ShellRpc((e) => sent.push(e));
    const a = rpc.request('get_room_state', { room_id: '!a:x', include_members: true }, 1000);
    const b = rpc.request('get_room_state', { room_id: '!b:x' }, 1000);
    assert.deepEqual(sent.map((e) => [e.command, e.request_id]), [['get_room_state', 1], ['get_room_state', 2]]);
    assert.equal(rpc.receive({ command: 'response', request_id: 2, data: ['b'] }), true);
    assert.equal(rpc.receive({ command: 'error', request_id: 1, data: 'Unknown room !a:x' }), true);
    assert.deepEqual(await b, ['b']);
    await assert.rejects(a, /Unknown room !a:x/);
  });

  it('leaves events and other connections\' answers alone', () => {
    const rpc = new ShellRpc(() => {});
    assert.equal(rpc.receive({ command: 'sync_complete', request_id: -4, data: {} }), false);
    assert.equal(rpc.receive({ command: 'response', request_id: -1 }), false);
    assert.equal(rpc.receive({ command: 'response' }), false);
    // An answer to a request it gave up on is still an answer (swallowed, not taken for an event).
    assert.equal(rpc.receive({ command: 'response', request_id: 99 }), true);
  });

  it('gives up after the timeout, and fails everything when the connection goes', async () => {
    const rpc = new ShellRpc(() => {});
    await assert.rejects(rpc.request('get_room_state', { room_id: '!a:x' }, 5), /no answer within 5 ms/);
    const pending = rpc.request('get_room_state', { room_id: '!a:x' }, 60_000);
    rpc.failAll('the backend stopped');
    await assert.rejects(pending, /the backend stopped/);
  });
});
