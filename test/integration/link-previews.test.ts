/**
 * Link previews through the backend against Synapse (URL previews on, loopback allowed) and a page served here:
 * get_url_preview answers the page's OpenGraph fields; with `encrypt` the picture comes back uploaded again
 * encrypted (`beeper:image:encryption`, no `og:image`), and what the homeserver holds is ciphertext that decrypts
 * to the page's picture; a page without a picture comes back as it is. send_message's `url_previews` lands in the
 * message as `com.beeper.linkpreviews`, with fields outside MSC4095 dropped, and an empty list is sent as one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AesCtrAttachments } from '../../src/main/backend/crypto/attachment-cipher.ts';
import type { EncryptedFileInfo } from '../../src/main/backend/media/attachment-crypto.ts';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { PAGE_DESCRIPTION, PAGE_SITE, PAGE_TITLE, PICTURE, startOgPageServer, type OgPageServer } from '../harness/og-page-server.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

describe('link previews against Synapse', () => {
  let hs: SynapseServer;
  let web: OgPageServer;
  let s: CommandSession;
  let bob: MatrixPeer;
  let room: string;

  before(async () => {
    hs = await startSynapse({ urlPreviews: true });
    web = await startOgPageServer();
    const alice = await hs.registerUser('alice', 'alice-password');
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password'));
    room = await new MatrixPeer(hs.baseUrl, alice).createRoom({ name: 'Previews', invite: [bob.userId] });
    await bob.join(room);
    s = await startCommandSession(hs, 'alice', 'alice-password');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[room]?.meta?.name === 'Previews');
  });
  after(async () => {
    await s?.stop();
    await web?.close();
    await hs?.stop();
  });

  /** The bytes of an mxc:// URI, as the homeserver holds them. */
  async function download(mxc: string): Promise<Buffer> {
    const [, server, id] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(mxc)!;
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { authorization: `Bearer ${bob.user.accessToken}` } });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  }

  it('get_url_preview answers the page\'s OpenGraph fields and the URL asked about', async () => {
    const url = `${web.base}/tides`;
    const p = await s.call('get_url_preview', { url });
    assert.equal(p.matched_url, url);
    assert.equal(p['og:title'], PAGE_TITLE);
    assert.equal(p['og:site_name'], PAGE_SITE);
    assert.equal(p['og:description'], PAGE_DESCRIPTION);
    assert.equal(p['og:image:width'], 400);
    assert.equal(p['og:image:height'], 200);
    assert.match(p['og:image'] as string, /^mxc:\/\//);
    assert.equal(p['beeper:image:encryption'], undefined);
  });

  it('with encrypt, uploads the picture again encrypted and names it only by its EncryptedFile', async () => {
    const p = await s.call('get_url_preview', { url: `${web.base}/tides?sealed`, encrypt: true });
    assert.equal(p['og:title'], PAGE_TITLE);
    assert.equal(p['og:image'], undefined, 'no unencrypted copy is named');
    const file = p['beeper:image:encryption'] as EncryptedFileInfo & { url: string };
    assert.match(file.url, /^mxc:\/\//);
    assert.equal(p['og:image:type'], 'image/png');
    assert.equal(p['matrix:image:size'], PICTURE.length);
    const ciphertext = await download(file.url);
    assert.notDeepEqual(ciphertext, PICTURE);
    assert.deepEqual(Buffer.from(await new AesCtrAttachments().decrypt(ciphertext, file)), PICTURE);

    const plain = await s.call('get_url_preview', { url: `${web.base}/plain`, encrypt: true });
    assert.equal(plain['og:title'], 'A page without a picture');
    assert.equal(plain['beeper:image:encryption'], undefined);
  });

  it('send_message puts url_previews into the content as com.beeper.linkpreviews', async () => {
    const url = `${web.base}/tides`;
    const preview = await s.call('get_url_preview', { url });
    await s.call('send_message', {
      room_id: room, text: `Look: ${url}`,
      url_previews: [{ ...preview, 'og:locale': 'en_GB' } as typeof preview],
    });
    const got = await bob.waitForMessage(room, (e) => e.content.body === `Look: ${url}`, 30_000);
    const bundled = got.content['com.beeper.linkpreviews'] as Record<string, unknown>[];
    assert.equal(bundled.length, 1);
    assert.equal(bundled[0].matched_url, url);
    assert.equal(bundled[0]['og:title'], PAGE_TITLE);
    assert.equal(bundled[0]['og:image'], preview['og:image']);
    assert.equal(bundled[0]['og:locale'], undefined, 'fields outside MSC4095 are dropped');

    await s.call('send_message', { room_id: room, text: `No preview: ${url}`, url_previews: [] });
    const none = await bob.waitForMessage(room, (e) => e.content.body === `No preview: ${url}`, 30_000);
    assert.deepEqual(none.content['com.beeper.linkpreviews'], []);

    await s.call('send_message', { room_id: room, text: 'Without the parameter' });
    const absent = await bob.waitForMessage(room, (e) => e.content.body === 'Without the parameter', 30_000);
    assert.equal('com.beeper.linkpreviews' in absent.content, false);
  });

  it('refuses a preview whose image is not an mxc:// URI, in words', async () => {
    await assert.rejects(s.client.request('send_message', {
      room_id: room, text: 'x', url_previews: [{ matched_url: 'https://example.org', 'og:image': 'https://example.org/a.png' }],
    }), /og:image must be an mxc:\/\/ URI/);
  });
});
