/**
 * The desktop shell hands the backend the operating system's proxy settings: the backend it starts gets a resolver
 * that asks Chromium (session.defaultSession.resolveProxy, here a fake `electron`) and answers with what it says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startedApp } from '../harness/fake-electron.ts';

describe('desktop shell: the system proxy', () => {
  it('gives the backend a resolver that asks the session and returns its answer', async () => {
    const { fe, fb } = await startedApp();
    const resolve = fb.started[0]?.opts.resolveProxy;
    assert.ok(resolve, 'the backend was started with a proxy resolver');
    fe.setProxyAnswer('PROXY proxy.example.com:3128; DIRECT');
    assert.equal(await resolve('https://matrix.example.org/'), 'PROXY proxy.example.com:3128; DIRECT');
    fe.setProxyAnswer('DIRECT');
    assert.equal(await resolve('http://hs.example:8008/'), 'DIRECT');
    assert.deepEqual(fe.proxyQuestions, ['https://matrix.example.org/', 'http://hs.example:8008/']);
  });
});
