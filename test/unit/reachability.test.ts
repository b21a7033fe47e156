/** The outage wait: ends at the first answer from the server (any request, or its own probe), else after the backoff. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MatrixHttp } from '../../src/main/backend/matrix/http.ts';
import { waitForServer, type Reachability } from '../../src/main/backend/matrix/reachability.ts';

function fakeServer(up: () => boolean) {
  const listeners = new Set<() => void>();
  let probes = 0;
  const server: Reachability = {
    onReachable: (l) => { listeners.add(l); return () => { listeners.delete(l); }; },
    probe: () => { probes++; return up() ? Promise.resolve({}) : Promise.reject(new Error('connection refused')); },
  };
  return { server, answer: () => { for (const l of [...listeners]) l(); }, probes: () => probes, listeners };
}

describe('waiting for the homeserver', () => {
  // The backoff here is far longer than the test's hang guard: only the wake-up can end the wait in time.
  it('ends when any request gets an answer, long before the backoff', { timeout: 60_000 }, async () => {
    const f = fakeServer(() => false);
    const done = waitForServer(f.server, 3_600_000, new AbortController().signal, 1000);
    setTimeout(f.answer, 20);
    await done;
    assert.equal(f.listeners.size, 0, 'unsubscribed');
  });

  it('probes while it waits and ends on the first probe that succeeds', { timeout: 60_000 }, async () => {
    let up = false;
    const f = fakeServer(() => up);
    setTimeout(() => { up = true; }, 70);
    await waitForServer(f.server, 3_600_000, new AbortController().signal, 20);
    assert.ok(f.probes() >= 2, `probed ${f.probes()} times`);
  });

  it('ends after the backoff when the server stays silent, and never probes a short wait', async () => {
    const f = fakeServer(() => false);
    await waitForServer(f.server, 30, new AbortController().signal, 50);
    assert.equal(f.probes(), 0);
  });

  it('rejects when cancelled', async () => {
    const f = fakeServer(() => false);
    const ac = new AbortController();
    const p = waitForServer(f.server, 60_000, ac.signal, 10);
    ac.abort(new Error('sync stopped'));
    await assert.rejects(p, /sync stopped/);
    const probes = f.probes();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(f.probes(), probes, 'no probes after the wait ended');
  });
});

describe('what counts as the homeserver answering', () => {
  it('any HTTP answer below 500, from any request; not a gateway error or no answer at all', async () => {
    let status = 200;
    let fail = false;
    const fetchStub = (() => (fail ? Promise.reject(new TypeError('fetch failed'))
      : Promise.resolve(new Response(JSON.stringify({ errcode: 'M_X', error: 'x' }), { status })))) as unknown as typeof fetch;
    const http = new MatrixHttp('https://hs.example', 'token', fetchStub);
    let answers = 0;
    const off = http.onReachable(() => { answers++; });
    const attempt = async () => { await http.request('GET', '/x', { rateLimitRetries: 0 }).catch(() => undefined); };
    await attempt();
    status = 404;
    await attempt();
    assert.equal(answers, 2);
    status = 502;
    await attempt();
    fail = true;
    await attempt();
    assert.equal(answers, 2, 'a 502 or a refused connection is no sign of the server');
    fail = false;
    status = 200;
    await http.probe(new AbortController().signal);
    assert.equal(answers, 3);
    off();
    await attempt();
    assert.equal(answers, 3, 'unsubscribed');
  });
});
