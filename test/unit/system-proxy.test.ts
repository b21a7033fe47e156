/**
 * The system's proxy settings (proxy-pac.ts, system-proxy.ts): which entry of a PAC-style answer is used, how long an
 * answer is kept per origin, that each entry passed over is logged once, and that the environment and loopback
 * still decide before the system is asked.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { choosePacEntry } from '../../src/main/backend/matrix/proxy-pac.ts';
import { SystemProxy, chooseProxy, useSystemProxy } from '../../src/main/backend/matrix/system-proxy.ts';

const shown = (answer: string) => choosePacEntry(answer).proxy?.shown;

describe('choosing from a PAC-style answer', () => {
  it('uses the first http proxy, or goes direct', () => {
    assert.equal(shown('PROXY proxy.example.com:3128'), 'http://proxy.example.com:3128');
    assert.equal(shown('PROXY proxy.example.com:3128; DIRECT'), 'http://proxy.example.com:3128');
    assert.equal(shown('  proxy   a.example:1 ;PROXY b.example:2'), 'http://a.example:1');
    assert.equal(shown('HTTP a.example:8080'), 'http://a.example:8080');
    assert.equal(shown('PROXY [::1]:3128'), 'http://[::1]:3128');
    assert.equal(shown('PROXY a.example'), 'http://a.example');
    assert.equal(shown('DIRECT'), undefined);
    assert.equal(shown('DIRECT; PROXY a.example:1'), undefined);
    assert.equal(shown(''), undefined);
  });

  it('skips SOCKS and HTTPS entries (and nonsense), falling back to the next entry or direct', () => {
    assert.deepEqual(choosePacEntry('SOCKS5 socks.example:1080; HTTPS tls.example:443; PROXY p.example:3128; DIRECT'), {
      proxy: { url: new URL('http://p.example:3128'), shown: 'http://p.example:3128' },
      skipped: ['SOCKS5 socks.example:1080', 'HTTPS tls.example:443'],
    });
    assert.deepEqual(choosePacEntry('SOCKS socks.example:1080; DIRECT'), { proxy: undefined, skipped: ['SOCKS socks.example:1080'] });
    assert.deepEqual(choosePacEntry('SOCKS5 socks.example:1080'), { proxy: undefined, skipped: ['SOCKS5 socks.example:1080'] });
    assert.deepEqual(choosePacEntry('PROXY; PROXY a b; PROXY user@h:1; PROXY h:1'),
      { proxy: { url: new URL('http://h:1'), shown: 'http://h:1' }, skipped: ['PROXY', 'PROXY a b', 'PROXY user@h:1'] });
  });
});

describe('the system proxy per origin', () => {
  afterEach(() => useSystemProxy(undefined));

  function system(answers: Record<string, string | Error>) {
    const asked: string[] = [];
    const logs: string[] = [];
    let now = 1000;
    const s = new SystemProxy(async (url) => {
      asked.push(url);
      const a = answers[url] ?? 'DIRECT';
      if (a instanceof Error) throw a;
      return a;
    }, { log: (m) => logs.push(m), ttlMs: 60_000, now: () => now });
    return { s, asked, logs, later: (ms: number) => { now += ms; } };
  }

  it('asks once per origin (only the origin), keeps the answer for a while, then asks again', async () => {
    const { s, asked, later } = system({ 'https://hs.example/': 'PROXY p.example:3128' });
    const [a, b] = await Promise.all([s.forUrl(new URL('https://hs.example/_matrix/client/v3/sync?since=x')),
      s.forUrl(new URL('https://hs.example/_matrix/client/v3/login'))]);
    assert.equal(a?.shown, 'http://p.example:3128');
    assert.equal(b?.shown, 'http://p.example:3128');
    later(59_000);
    assert.equal((await s.forUrl(new URL('https://hs.example/x')))?.shown, 'http://p.example:3128');
    assert.equal(await s.forUrl(new URL('https://other.example/x')), undefined);
    assert.deepEqual(asked, ['https://hs.example/', 'https://other.example/']);
    later(2_000);
    await s.forUrl(new URL('https://hs.example/x'));
    assert.deepEqual(asked, ['https://hs.example/', 'https://other.example/', 'https://hs.example/']);
  });

  it('logs a skipped entry once; a failed question goes direct, is logged once, and is asked again', async () => {
    const { s, asked, logs, later } = system({
      'https://hs.example/': 'SOCKS5 socks.example:1080; DIRECT', 'https://down.example/': new Error('the backend has stopped'),
    });
    assert.equal(await s.forUrl(new URL('https://hs.example/')), undefined);
    later(120_000);
    assert.equal(await s.forUrl(new URL('https://hs.example/')), undefined);
    assert.equal(await s.forUrl(new URL('https://down.example/')), undefined);
    assert.equal(await s.forUrl(new URL('https://down.example/')), undefined);
    assert.equal(asked.filter((u) => u === 'https://down.example/').length, 2);
    assert.deepEqual(logs, [
      'the system proxy setting "SOCKS5 socks.example:1080" for https://hs.example is skipped: only http proxies (PROXY) are supported',
      'could not read the system proxy setting for https://down.example, connecting directly: the backend has stopped',
    ]);
  });

  it('goes direct when the question is not answered in time, and asks again next time', async () => {
    const logs: string[] = [];
    let asked = 0;
    const s = new SystemProxy(() => { asked++; return new Promise<string>(() => {}); }, { log: (m) => logs.push(m), lookupTimeoutMs: 5 });
    assert.equal(await s.forUrl(new URL('https://hs.example/')), undefined);
    assert.equal(await s.forUrl(new URL('https://hs.example/')), undefined);
    assert.equal(asked, 2);
    assert.deepEqual(logs, ['could not read the system proxy setting for https://hs.example, connecting directly: no answer within 0.005 s']);
  });

  it('lets the environment win, keeps loopback and no_proxy direct, and uses the system otherwise', async () => {
    const { s, asked } = system({ 'https://hs.example/': 'PROXY sys.example:1', 'http://hs.example/': 'PROXY sys.example:2' });
    const url = new URL('https://hs.example/');
    assert.equal(chooseProxy(url, {}), undefined, 'no system proxy: the environment only');
    useSystemProxy(s);
    assert.equal((await chooseProxy(url, {}))?.shown, 'http://sys.example:1');
    assert.equal((await chooseProxy(url, { HTTPS_PROXY: 'http://env.example:3' }))?.shown, 'http://env.example:3');
    assert.equal((await chooseProxy(new URL('http://hs.example/'), { HTTPS_PROXY: 'http://env.example:3' }))?.shown, 'http://sys.example:2');
    assert.equal(await chooseProxy(url, { NO_PROXY: '.example' }), undefined);
    assert.equal(await chooseProxy(new URL('http://127.0.0.1:8008/'), {}), undefined);
    assert.equal(await chooseProxy(new URL('http://localhost:8008/'), {}), undefined);
    assert.deepEqual(asked, ['https://hs.example/', 'http://hs.example/']);
  });
});
