/**
 * Files at rest: under umask 022 and with data, cache and log folders that already existed as 0755, a backend that
 * logs in, syncs and caches media against Synapse leaves every folder 0700 and every file 0600 (the database and
 * its -wal/-shm, the secrets file, the media cache, the log).
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Backend } from '../../src/main/backend/backend.ts';
import { openAppLog } from '../../src/main/backend/log/open-log.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

/** Every path under `dir` (itself included) with its permission bits. */
function walk(dir: string, out: { path: string; dir: boolean; mode: number }[] = []) {
  const st = lstatSync(dir);
  out.push({ path: dir, dir: st.isDirectory(), mode: st.mode & 0o777 });
  if (st.isDirectory()) for (const name of readdirSync(dir)) walk(path.join(dir, name), out);
  return out;
}

describe('files at rest', { skip: process.platform === 'win32' }, () => {
  let hs: SynapseServer;
  let root: string;
  let oldUmask: number;

  before(async () => {
    hs = await startSynapse();
    oldUmask = process.umask(0o022);
    root = mkdtempSync(path.join(tmpdir(), 'lattice-modes-'));
  });
  after(async () => {
    process.umask(oldUmask);
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('are 0600 in 0700 folders under umask 022, even where the folders existed as 0755', async () => {
    const paths = resolveDataPaths({ LATTICE_ROOT: root });
    for (const dir of [paths.data, paths.cache, paths.logs, path.join(paths.cache, 'media')]) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
    }
    const user = await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' });
    const peer = new MatrixPeer(hs.baseUrl, user);
    const room = await peer.createRoom({ name: 'Private files' });
    const png = solidPng(16, 16, [10, 200, 30]);
    const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=a.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'image/png' }, body: new Uint8Array(png),
    }).then((r) => r.json()) as { content_uri: string };

    const log = openAppLog({ dir: paths.logs, level: 'debug' });
    // No keychain for this backend: the explicit plain-file fallback, so the secrets file is on disk to check.
    const secrets = await openSecretStore({
      namespace: secretNamespace(paths.data), dataDir: paths.data, insecureFileFallback: true,
      keytar: () => { throw new Error('no keychain in this test'); },
    });
    const backend = await Backend.create({ paths, secrets: { store: secrets }, logger: log.logger });
    const client = RpcTestClient.inProcess(backend);
    try {
      await client.request('login', { homeserver_url: hs.baseUrl, username: 'carol', password: 'carol-password' });
      await client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      const [server, mediaId] = upload.content_uri.slice('mxc://'.length).split('/');
      assert.equal((await backend.fetchMedia({ server, mediaId })).status, 200);
      assert.equal((await backend.fetchMedia({ server, mediaId, thumbnail: { width: 8, height: 8 } })).status, 200);
      for (const name of ['lattice.db', 'lattice.db-wal', 'lattice.db-shm', 'secrets.json']) {
        assert.equal(statSync(path.join(paths.data, name)).mode & 0o777, 0o600, `${name} while the backend runs`);
      }
      assertPrivate(walk(root).filter((e) => e.path !== root));
    } finally {
      client.close();
      await backend.close();
      log.close();
    }
    const entries = walk(root).filter((e) => e.path !== root);
    const names = entries.map((e) => path.relative(root, e.path));
    for (const want of ['data/lattice.db', 'data/secrets.json', 'logs/lattice.log']) assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
    assert.ok(names.filter((n) => n.startsWith('cache/media/')).length >= 4, `media cached: ${names.join(', ')}`);
    assertPrivate(entries);
  });
});

function assertPrivate(entries: { path: string; dir: boolean; mode: number }[]): void {
  const wrong = entries.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`);
  assert.deepEqual(wrong, [], 'every folder 0700 and every file 0600');
}
