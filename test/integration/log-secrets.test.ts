/**
 * Nothing secret reaches the log: login (a wrong password first, then the right one), sync, sending, receiving,
 * paging back and logout against a real Synapse, with the backend worker and the web host's log at debug level.
 * Then the log files must hold none of the password, the access token or any message text, yet not be empty (so
 * the check could fail).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openAppLog } from '../../src/main/backend/log/open-log.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

const PASSWORD = 'pw-Zq81-never-in-logs';
const WRONG_PASSWORD = 'pw-Wr0ng-never-in-logs';
const SENT = 'sent-text-K7c2 never in logs';
const RECEIVED = 'received-text-J4m9 never in logs';

describe('the log holds no secrets', () => {
  let hs: SynapseServer;
  let root: string;

  before(async () => {
    hs = await startSynapse();
    root = mkdtempSync(path.join(tmpdir(), 'lattice-log-it-'));
  });
  after(async () => {
    await hs?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('after login, sync, send, receive and logout at debug level', async () => {
    const carol = await hs.registerUser('carol', PASSWORD, { displayname: 'Carol' });
    const dave = new MatrixPeer(hs.baseUrl, await hs.registerUser('dave', 'dave-password'));
    const room = await dave.createRoom({ name: 'Secrets', invite: [carol.userId] });
    await new MatrixPeer(hs.baseUrl, carol).join(room);

    const paths = resolveDataPaths({ LATTICE_ROOT: root });
    const log = openAppLog({ dir: paths.logs, level: 'debug' });
    const worker = await BackendWorker.start({ paths, logger: log.logger });
    const client = RpcTestClient.inProcess(worker);
    let token: string | null = null;
    try {
      await assert.rejects(client.request('login', { homeserver_url: hs.baseUrl, username: 'carol', password: WRONG_PASSWORD }));
      assert.equal(await client.request('login', { homeserver_url: hs.baseUrl, username: 'carol', password: PASSWORD }), true);
      await client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      const store = await openSecretStore({ namespace: secretNamespace(paths.data), dataDir: paths.data });
      token = await store.get('matrix_access_token');
      assert.ok(token, 'the token is in the keychain while logged in');

      const echo = await client.request('send_message', { room_id: room, text: SENT });
      const done = await client.waitForEvent('send_complete', (c) => c.event.rowid === echo.rowid);
      assert.ok(!done.error, `sending failed: ${done.error}`);
      await dave.sendText(room, RECEIVED);
      await client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) => e.content.body === RECEIVED));
      await client.request('paginate', { room_id: room, max_timeline_id: 0, limit: 20 });
      assert.equal(await client.request('logout', {}), true);
    } finally {
      client.close();
      await worker.stop();
      log.close();
    }

    const files = readdirSync(paths.logs);
    assert.ok(files.length > 0, 'a log file was written');
    const text = files.map((f) => readFileSync(path.join(paths.logs, f), 'utf8')).join('');
    // Not empty, and at debug level: the commands themselves are there (by name), so the checks below mean something.
    assert.match(text, /"command":"login"/);
    assert.match(text, /"command":"send_message"/);
    assert.match(text, /"command":"logout"/);
    for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
    for (const [what, secret] of [['access token', token], ['password', PASSWORD], ['wrong password', WRONG_PASSWORD],
      ['sent message', SENT], ['received message', RECEIVED]] as const) {
      assert.ok(!text.includes(secret), `the ${what} appears in the log`);
    }
    // Parts of the message text, too (e.g. a rendered or truncated body).
    assert.ok(!text.includes('K7c2') && !text.includes('J4m9'), 'a piece of a message appears in the log');
  });
});
