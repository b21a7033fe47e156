/**
 * The host side of the backend worker without a homeserver: services over the typed worker channel, the worker's
 * log records arriving at the host's logger, requests after the worker has stopped, and the compile cache its
 * modules leave in the cache folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, type LogRecord } from '../../src/main/backend/log/logger.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

describe('backend worker', () => {
  it('serves media and commands, sends its log to the host, and answers after stopping', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-worker-'));
    roots.push(root);
    const records: LogRecord[] = [];
    const logger = createLogger({ level: 'debug', sinks: [{ write: (r) => records.push(r) }] });
    const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }), logger, insecureSecretsFile: true });
    const client = RpcTestClient.inProcess(worker);
    try {
      // Answered by the worker's backend over the channel: nobody is logged in.
      const media = await worker.fetchMedia({ server: 'hs.example', mediaId: 'abc' });
      assert.equal(media.status, 503);
      assert.equal(media.error, 'not logged in');
      assert.equal((await client.request('get_state', {})).is_logged_in, false);
      // The worker's records (the secret store it was given, the command it ran) arrived in this thread.
      assert.ok(records.some((r) => /^secrets: using the /.test(r.msg)), JSON.stringify(records));
      assert.ok(records.some((r) => r.msg === 'command' && r.command === 'get_state'), JSON.stringify(records));
    } finally {
      client.close();
      await worker.stop();
    }
    const late = await worker.fetchMedia({ server: 'hs.example', mediaId: 'abc' });
    assert.equal(late.status, 503);
    assert.match(late.error ?? '', /stopped/);
  });

  it("leaves Node's compile cache for its modules in the private cache folder", { skip: process.env.NODE_DISABLE_COMPILE_CACHE !== undefined }, async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lattice-worker-'));
    roots.push(root);
    const records: LogRecord[] = [];
    const logger = createLogger({ level: 'debug', sinks: [{ write: (r) => records.push(r) }] });
    const paths = resolveDataPaths({ LATTICE_ROOT: root });
    // npm test gives every test process a compile cache of its own (package.json); the app is started without one.
    const suiteCache = process.env.NODE_COMPILE_CACHE;
    delete process.env.NODE_COMPILE_CACHE;
    let worker: BackendWorker;
    try {
      worker = await BackendWorker.start({ paths, logger, insecureSecretsFile: true });
    } finally {
      if (suiteCache !== undefined) process.env.NODE_COMPILE_CACHE = suiteCache;
    }
    await worker.stop();
    const cache = path.join(paths.cache, 'compile-cache');
    // One folder per Node and V8 version, holding an entry per compiled module.
    const entries = readdirSync(cache, { recursive: true }).filter((f) => statSync(path.join(cache, String(f))).isFile());
    assert.ok(entries.length > 0, `nothing cached in ${cache}`);
    if (process.platform !== 'win32') {
      assert.equal(statSync(paths.cache).mode & 0o777, 0o700);
      assert.equal(statSync(cache).mode & 0o777, 0o700);
    }
    // Created private by the host, so the backend had nothing to tighten.
    assert.ok(!records.some((r) => /readable by others/.test(r.msg)), JSON.stringify(records));
  });
});
