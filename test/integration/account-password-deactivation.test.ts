/**
 * change_password and deactivate_account against a real Synapse: the password changes (the new one signs in, the
 * old one no longer does), other sessions are signed out only when asked and this one always stays; a wrong
 * current password and a password the server's policy refuses are said in words; a deactivated account cannot
 * sign in (the server has it deactivated and erased) and Lattice's data of it is gone from the computer, with a notice for the login screen.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSecretStore, secretNamespace } from '../../src/main/backend/secrets/open-secret-store.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { solidPng } from '../harness/png.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

describe('changing the password and deactivating the account against Synapse', () => {
  let hs: SynapseServer;
  before(async () => { hs = await startSynapse({ passwordMinLength: 12 }); });
  after(async () => { await hs?.stop(); });

  const login = (user: string, password: string) => fetch(`${hs.baseUrl}/_matrix/client/v3/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as { access_token?: string; errcode?: string } }));
  const tokenWorks = async (token: string) => (await fetch(`${hs.baseUrl}/_matrix/client/v3/account/whoami`,
    { headers: { authorization: `Bearer ${token}` } })).status === 200;

  it('changes the password, signing other sessions out only when asked; a wrong or weak password is said in words', async () => {
    await hs.registerUser('carol', 'carol-first-password');
    const phone = (await login('carol', 'carol-first-password')).body.access_token!;
    const s = await startCommandSession(hs, 'carol', 'carol-first-password');
    try {
      await assert.rejects(s.client.request('change_password', { password: 'not-my-password', new_password: 'carol-second-password', logout_devices: false }),
        /Your current password is not right, so your password was not changed/);
      await assert.rejects(s.client.request('change_password', { password: 'carol-first-password', new_password: 'short', logout_devices: false }),
        /The homeserver refused the new password: The password must be at least 12 characters long\. Choose another one\./);
      assert.equal((await login('carol', 'carol-first-password')).status, 200, 'nothing changed yet');
      // Synapse asks for the password: without one the answer says so.
      assert.deepEqual(await s.call('change_password', { new_password: 'carol-second-password', logout_devices: false }), { done: false, password_required: true });

      assert.deepEqual(await s.call('change_password', { password: 'carol-first-password', new_password: 'carol-second-password', logout_devices: false }), { done: true });
      assert.equal((await login('carol', 'carol-first-password')).status, 403, 'the old password no longer signs in');
      const second = await login('carol', 'carol-second-password');
      assert.equal(second.status, 200, 'the new one does');
      assert.ok(await tokenWorks(phone), 'the other session was not signed out: it was not asked');

      assert.deepEqual(await s.call('change_password', { password: 'carol-second-password', new_password: 'carol-third-password', logout_devices: true }), { done: true });
      assert.equal(await tokenWorks(phone), false, 'other sessions are signed out when asked');
      assert.equal(await tokenWorks(second.body.access_token!), false);
      // This session stays: its commands still reach the homeserver with its token.
      const own = await s.call('get_own_devices', {});
      const { device_id: ours } = await s.client.request('get_state', {});
      assert.deepEqual(own.devices.map((d) => d.device_id), [ours]);
      assert.equal((await login('carol', 'carol-third-password')).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('deactivates the account: it can no longer sign in, Lattice signs out and its data is gone', async () => {
    const dave = await hs.registerUser('dave', 'dave-first-password');
    const room = await new MatrixPeer(hs.baseUrl, dave).createRoom({ name: 'Dave\'s notes' });
    const s: CommandSession = await startCommandSession(hs, 'dave', 'dave-first-password');
    let again: BackendWorker | undefined;
    try {
      await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]);
      // A picture in the media cache, as the timeline would have fetched it.
      const up = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=red.png`, {
        method: 'POST', headers: { authorization: `Bearer ${dave.accessToken}`, 'content-type': 'image/png' }, body: new Uint8Array(solidPng(8, 8, [255, 0, 0])),
      }).then((r) => r.json() as Promise<{ content_uri: string }>);
      const [, server, mediaId] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(up.content_uri)!;
      assert.equal((await s.worker.fetchMedia({ server, mediaId })).status, 200);
      const mediaDir = path.join(s.root, 'cache', 'media');
      assert.ok(readdirSync(path.join(mediaDir, 'index')).length > 0, 'the picture is cached');
      const dataDir = path.join(s.root, 'data');
      const secrets = () => openSecretStore({ namespace: secretNamespace(dataDir), dataDir });
      assert.ok(await (await secrets()).get('matrix_access_token'), 'the token is kept while signed in');

      await assert.rejects(s.client.request('deactivate_account', { password: 'wrong-password-here', erase: false }),
        /refused the password, so it did not deactivate your account/);
      const mark = s.client.mark();
      assert.deepEqual(await s.call('deactivate_account', { password: 'dave-first-password', erase: true }), { done: true });
      const st = await s.client.waitForEvent('client_state', (c) => !c.is_logged_in && c.signed_out_notice !== undefined, 10_000, mark);
      assert.match(st.signed_out_notice ?? '', /The account @dave:.* was deactivated/);

      // Synapse removes a deactivated account's password, so a password login is refused before its own
      // M_USER_DEACTIVATED check (which only logins without a password reach); its admin API says the rest.
      const refused = await login('dave', 'dave-first-password');
      assert.equal(refused.status, 403);
      assert.equal(refused.body.errcode, 'M_FORBIDDEN');
      const admin = await hs.registerUser('admin', 'admin-password-long', { admin: true });
      const facts = await fetch(`${hs.baseUrl}/_synapse/admin/v2/users/${encodeURIComponent(dave.userId)}`,
        { headers: { authorization: `Bearer ${admin.accessToken}` } }).then((r) => r.json() as Promise<{ deactivated?: boolean; erased?: boolean }>);
      assert.equal(facts.deactivated, true);
      assert.equal(facts.erased, true, 'erase was asked for and done');
      assert.equal(await (await secrets()).get('matrix_access_token'), null, 'the token is gone from the keychain');
      assert.equal(existsSync(path.join(mediaDir, 'index')) || existsSync(path.join(mediaDir, 'blobs')), false, 'the media cache is gone');
      assert.equal(readdirSync(dataDir).some((f) => f.startsWith('crypto')), false, 'the encryption keys are gone');

      // A new start of the backend finds nobody signed in and no rooms.
      await s.worker.stop();
      again = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: s.root }) });
      const client = RpcTestClient.inProcess(again);
      assert.equal((await client.waitForEvent('client_state')).is_logged_in, false);
      assert.deepEqual(Object.keys((await client.waitForEvent('sync_complete')).rooms ?? {}), []);
      client.close();
    } finally {
      await again?.stop();
      await s.stop();
    }
  });
});
