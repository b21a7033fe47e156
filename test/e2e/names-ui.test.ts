/**
 * Names that cannot deceive, in the real renderer in Chromium through the web host, against Synapse with other users
 * acting through the homeserver API: two members who share a display name, and one whose name is another's user ID,
 * are shown with their user IDs; a message keeps the name and avatar its sender had when it was sent, after a
 * rename; a right-to-left override in a name does not reorder the text after it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const RLO = '\u202E';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('names that cannot deceive, in Chromium', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let eve: MatrixPeer;
  let mallory: MatrixPeer;
  let carol: MatrixPeer;
  let rtl: MatrixPeer;
  let roomId: string;
  let carolAvatars: string[];
  let ui: WebUi;
  let page: Page;

  async function upload(user: TestUser, rgb: [number, number, number]): Promise<string> {
    const r = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=a.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'image/png' },
      body: new Uint8Array(solidPng(48, 48, rgb)),
    }).then((res) => res.json()) as { content_uri: string };
    return r.content_uri;
  }

  before(async () => {
    ui = await startWebUi('names');
    hs = ui.hs;
    page = ui.page;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    eve = new MatrixPeer(hs.baseUrl, await hs.registerUser('eve', 'eve-password', { displayname: 'Bob' }));
    mallory = new MatrixPeer(hs.baseUrl, await hs.registerUser('mallory', 'mallory-password', { displayname: bob.userId }));
    carol = new MatrixPeer(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    rtl = new MatrixPeer(hs.baseUrl, await hs.registerUser('rtl', 'rtl-password', { displayname: `${RLO}Zed` }));
    const others = [eve, mallory, carol, rtl];
    roomId = await bob.createRoom({ name: 'Who is who', invite: [alice.userId, ...others.map((p) => p.userId)] });
    for (const p of [new MatrixPeer(hs.baseUrl, alice), ...others]) await p.join(roomId);
    carolAvatars = [await upload(carol.user, [220, 30, 30]), await upload(carol.user, [30, 30, 220])];
    await carol.setState(roomId, 'm.room.member', carol.userId, { membership: 'join', displayname: 'Carol', avatar_url: carolAvatars[0] });
    await bob.sendText(roomId, 'I am the real Bob');
    await eve.sendText(roomId, 'No, I am Bob');
    await mallory.sendText(roomId, 'Trust me, I am bob');
    await carol.sendText(roomId, 'said as Carol');
    await carol.setState(roomId, 'm.room.member', carol.userId, { membership: 'join', displayname: 'Caroline', avatar_url: carolAvatars[1] });
    await bob.sendText(roomId, 'in between');
    await carol.sendText(roomId, 'said as Caroline');
    await rtl.sendText(roomId, 'abc xyz');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  after(async () => {
    await ui?.stop();
  });

  const row = (text: string) => page.getByTestId('message').filter({ hasText: new RegExp(`${escapeRe(text)}$`) });
  async function header(text: string): Promise<{ name: string; id: string | null; avatar: string | null }> {
    const r = row(text);
    await r.waitFor({ timeout: 45_000 });
    const id = r.getByTestId('sender-id');
    const img = r.locator('img.avatar');
    return {
      name: await r.getByTestId('sender-name').innerText(),
      id: (await id.count()) ? await id.innerText() : null,
      avatar: (await img.count()) ? await img.getAttribute('src') : null,
    };
  }

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    const item = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await row('abc xyz').waitFor({ timeout: 45_000 });
  });

  it('shows the user ID beside a display name two members share', async () => {
    assert.deepEqual(await header('I am the real Bob').then((h) => [h.name, h.id]), ['Bob', bob.userId]);
    assert.deepEqual(await header('No, I am Bob').then((h) => [h.name, h.id]), ['Bob', eve.userId]);
  });

  it('shows the user ID beside a display name that looks like a user ID', async () => {
    assert.deepEqual(await header('Trust me, I am bob').then((h) => [h.name, h.id]), [bob.userId, mallory.userId]);
  });

  it('keeps the name and avatar a sender had when a message was sent, after a rename', async () => {
    const before = await header('said as Carol');
    const afterRename = await header('said as Caroline');
    assert.equal(before.name, 'Carol');
    assert.equal(afterRename.name, 'Caroline');
    assert.equal(before.id, null, 'unique names stand alone');
    const mediaId = (mxc: string) => mxc.split('/').pop()!;
    assert.ok(before.avatar?.includes(mediaId(carolAvatars[0])), `old avatar, got ${before.avatar}`);
    assert.ok(afterRename.avatar?.includes(mediaId(carolAvatars[1])), `new avatar, got ${afterRename.avatar}`);
    const rename = page.getByTestId('message').filter({ hasText: 'changed their display name' });
    assert.match(await rename.innerText(), new RegExp(`Carol.*\\(${escapeRe(carol.userId)}\\) changed their display name to .*Caroline`));
  });

  it('keeps a right-to-left override in a name from reordering the text after it', async () => {
    const name = await header('abc xyz');
    assert.equal(name.name, `${RLO}Zed`);
    // The room list's preview is one line of text: "<name>: abc xyz". Isolated, the message reads left to right.
    const preview = page.locator(`[data-testid="room-item"][data-room-id="${roomId}"] .roomlist-item-preview`);
    await preview.filter({ hasText: 'abc xyz' }).waitFor({ timeout: 10_000 });
    const order = await preview.evaluate((el) => {
      const text = el.firstChild as Text;
      const at = (ch: string) => {
        const i = (text.data).lastIndexOf(ch);
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        return r.getBoundingClientRect().left;
      };
      return { a: at('a'), z: at('z') };
    });
    assert.ok(order.a < order.z, `"abc xyz" after the name reads left to right (a at ${order.a}, z at ${order.z})`);
    // In the timeline the name is a <bdi>, and the header's other parts are outside it.
    const tag = await row('abc xyz').getByTestId('sender-name').evaluate((el) => el.tagName);
    assert.equal(tag, 'BDI');
    await shot(page, path.join(ARTIFACTS, 'names.png'));
  });
});
