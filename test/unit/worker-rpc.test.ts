/**
 * The typed request/reply channel between the host thread and the backend worker, over a real MessageChannel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { WorkerRpc } from '../../src/main/host/worker-rpc.ts';

type HostSide = {
  'secret.get': { params: { key: string }; reply: string | null };
  'fail': { params: null; reply: null };
  'bytes': { params: { n: number }; reply: Uint8Array };
  'never': { params: null; reply: null };
};
type WorkerSide = {
  'echo': { params: { text: string }; reply: { text: string } };
};

function pair() {
  const { port1, port2 } = new MessageChannel();
  let release: () => void = () => {};
  const hung = new Promise<null>((resolve) => { release = () => resolve(null); });
  const host = new WorkerRpc<WorkerSide, HostSide>(port1, {
    'secret.get': ({ key }) => (key === 'k' ? 'v' : null),
    'fail': () => { throw new Error('the keychain is locked'); },
    'bytes': ({ n }) => new Uint8Array(n).fill(7),
    'never': () => hung,
  }, { bytes: (b) => (b.buffer instanceof ArrayBuffer ? [b.buffer] : []) });
  const worker = new WorkerRpc<HostSide, WorkerSide>(port2, { echo: ({ text }) => ({ text: text.toUpperCase() }) });
  const wire = (port: MessagePort, rpc: { receive(m: unknown): boolean }) => port.on('message', (m) => { rpc.receive(m); });
  wire(port1, host);
  wire(port2, worker);
  return { host, worker, port1, port2, release, close() { release(); port1.close(); } };
}

describe('worker rpc', () => {
  it('answers requests both ways, typed by the service map', async () => {
    const p = pair();
    try {
      assert.equal(await p.worker.request('secret.get', { key: 'k' }), 'v');
      assert.equal(await p.worker.request('secret.get', { key: 'other' }), null);
      assert.deepEqual(await p.host.request('echo', { text: 'hi' }), { text: 'HI' });
      const bytes = await p.worker.request('bytes', { n: 4 });
      assert.deepEqual([...bytes], [7, 7, 7, 7]);
      // Many at once: each reply finds its own request.
      const many = await Promise.all(['k', 'x', 'k'].map((key) => p.worker.request('secret.get', { key })));
      assert.deepEqual(many, ['v', null, 'v']);
    } finally { p.close(); }
  });

  it('passes errors on as Errors with their message', async () => {
    const p = pair();
    try {
      await assert.rejects(p.worker.request('fail', null), (e: unknown) => e instanceof Error && e.message === 'the keychain is locked');
      // A name the other side does not serve (a version mismatch, say) is an error, not a hang.
      const loose = p.host as unknown as WorkerRpc<{ nope: { params: null; reply: null } }, HostSide>;
      await assert.rejects(loose.request('nope', null), /unknown request "nope"/);
    } finally { p.close(); }
  });

  it('rejects pending and later requests when closed', async () => {
    const p = pair();
    try {
      const waiting = p.worker.request('never', null);
      p.worker.close('the backend worker stopped');
      await assert.rejects(waiting, /the backend worker stopped/);
      await assert.rejects(p.worker.request('secret.get', { key: 'k' }), /the backend worker stopped/);
    } finally { p.close(); }
  });
});
