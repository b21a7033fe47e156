/**
 * Calls that meet other calls, between Lattice web UIs (own hosts, backends and Chromium with fake camera and
 * microphone) against one Synapse, in an encrypted DM between Alice and Bob:
 * - busy: Bob's page already rings for Carol's call when Alice calls; his Lattice answers her invite with a hang-up
 *   of reason `user_busy`, her page says "Bob is busy." and her timeline "Bob was busy", and his page keeps ringing
 *   for Carol only;
 * - glare: both call each other at once; the spec's rule (the lesser call ID wins) leaves both in ONE connected call,
 *   with no ringing prompt on either page;
 * - answered or declined elsewhere: Bob signs in in a third web UI; both of his pages ring, one answers and the other
 *   stops ringing and says "Answered on another device."; one declines and the other stops without a word.
 * The room list previews each DM by its call as the timeline words it, never by the call's wordless machinery.
 * Screenshots of the busy note, Bob's room list and the answered-elsewhere state, in both themes, go to test-artifacts/ (with LATTICE_SHOTS=1).
 * An ended call closes itself after 4 s; each page is told how long to show it (showEnded): briefly where the
 * test waits for it to close, until closed where the test photographs it, and the app's 4 s for the answered-elsewhere
 * note, which is both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  ENDED_BRIEFLY_MS, ENDED_UNTIL_CLOSED_MS, receives, recordOscillators, recordPeerConnections, showEnded, waitForTone,
} from '../harness/calls.ts';
import { FAKE_MICROPHONE_ARGS } from '../harness/chromium.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { sizedShots, startWebUi, type WebUi, type WebUiOptions } from '../harness/web-ui.ts';

const OPTIONS: WebUiOptions = { fullChromium: true, chromiumArgs: FAKE_MICROPHONE_ARGS, context: { permissions: ['microphone', 'camera'] } };

describe('calls that meet other calls: busy, glare, answered elsewhere', () => {
  let a: WebUi;
  let b: WebUi;
  let b2: WebUi | undefined;
  let alice: TestUser;
  let bob: TestUser;
  let bobPeer: MatrixPeer;
  let roomId: string;

  async function prepare(ui: WebUi): Promise<void> {
    await ui.context.addInitScript(recordPeerConnections);
    await ui.context.addInitScript(recordOscillators);
    await ui.page.emulateMedia({ reducedMotion: 'reduce' });
  }

  before(async () => {
    a = await startWebUi('calls-busy-alice', OPTIONS);
    b = await startWebUi('calls-busy-bob', { ...OPTIONS, hs: a.hs });
    for (const ui of [a, b]) await prepare(ui);
    alice = await a.hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await a.hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    const alicePeer = new MatrixPeer(a.hs.baseUrl, alice);
    bobPeer = new MatrixPeer(a.hs.baseUrl, bob);
    roomId = await alicePeer.createRoom({ invite: [bob.userId], isDirect: true, preset: 'trusted_private_chat' });
    await bobPeer.join(roomId);
    await alicePeer.setState(roomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    await alicePeer.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/m.direct`, { [bob.userId]: [roomId] });
    await bobPeer.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(bob.userId)}/account_data/m.direct`, { [alice.userId]: [roomId] });
    await a.signIn(alice, 'alice-password');
    await b.signIn(bob, 'bob-password');
    for (const page of [a.page, b.page]) await openDm(page);
  });
  after(async () => {
    await b2?.stop();
    await b?.stop();
    await a?.stop();
  });

  async function openDm(page: Page): Promise<void> {
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('start-voice-call').waitFor({ timeout: 30_000 });
  }
  const timelineLine = (page: Page, text: string | RegExp) => page.getByTestId('timeline').getByText(text).first();
  /** A room's preview line in the room list, once it reads `text` (names are isolated for bidirectional text). */
  const previewLine = (page: Page, room: string, text: RegExp) =>
    page.locator(`[data-testid="room-item"][data-room-id="${room}"] .roomlist-item-preview`).getByText(text);
  const callView = (page: Page, phase: string) => page.locator(`[data-testid="call-view"][data-phase="${phase}"]`);

  it('Bob is busy (ringing for Carol): Alice\'s call is answered with user_busy, her page says so, his keeps ringing for Carol', async () => {
    const carol = await a.hs.registerUser('carol', 'carol-password', { displayname: 'Carol' });
    const carolPeer = new MatrixPeer(a.hs.baseUrl, carol);
    const carolRoom = await carolPeer.createRoom({ invite: [bob.userId], isDirect: true, preset: 'trusted_private_chat' });
    await bobPeer.join(carolRoom);
    await carolPeer.sendEvent(carolRoom, 'm.call.invite', {
      call_id: 'carol-call', party_id: 'carol-phone', version: '1', lifetime: 120_000, invitee: bob.userId,
      offer: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' },
    });
    const ringing = b.page.getByTestId('call-incoming');
    await ringing.waitFor({ timeout: 30_000 });
    assert.match(await ringing.innerText(), /Carol/);
    // A room joined while Lattice ran, never opened, whose only event after the joins is a call: the room list says
    // so, as the timeline words it, instead of an empty line.
    await previewLine(b.page, carolRoom, /^\W?Carol\W? started a voice call$/).waitFor({ timeout: 30_000 });

    // Alice's note of the busy call stays until she closes it, however long the screenshots take.
    await showEnded(a.page, ENDED_UNTIL_CLOSED_MS);
    await a.page.getByTestId('start-voice-call').click();
    const ended = callView(a.page, 'ended');
    await ended.waitFor({ timeout: 30_000 });
    assert.equal(await ended.getByTestId('call-status').innerText(), 'Bob is busy.');
    // As Element: the busy tone while the call's end shows.
    await waitForTone(a.page, 'busy');
    await timelineLine(a.page, /^\W?Bob\W? was busy$/).waitFor({ timeout: 30_000 });
    await previewLine(a.page, roomId, /^\W?Bob\W? was busy$/).waitFor({ timeout: 30_000 });
    await sizedShots(a.page, (theme, size) => `calls-busy-${theme}-${size}.png`);
    // Bob's page never showed Alice's call: it still rings for Carol's, and the timeline has her call as missed.
    assert.match(await ringing.innerText(), /Carol/);
    await waitForTone(b.page, 'ringtone');
    await timelineLine(b.page, 'Missed call').waitFor({ timeout: 30_000 });

    await carolPeer.sendEvent(carolRoom, 'm.call.hangup', { call_id: 'carol-call', party_id: 'carol-phone', version: '1', reason: 'user_hangup' });
    await ringing.waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTone(b.page, '');
    await previewLine(b.page, carolRoom, /^Missed call$/).waitFor({ timeout: 30_000 });
    await sizedShots(b.page, (theme, size) => `calls-busy-roomlist-${theme}-${size}.png`);
    await a.page.getByTestId('call-close').click();
    await ended.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('glare: both call each other at once and end up in one connected call, no prompt ringing', async () => {
    // Both ended calls close themselves (awaited below) soon.
    for (const page of [a.page, b.page]) await showEnded(page, ENDED_BRIEFLY_MS);
    // Clicked together: each page places its call before the other's invite can come back through the homeserver.
    await Promise.all([a.page, b.page].map((page) => page.getByTestId('start-voice-call').click()));
    for (const page of [a.page, b.page]) await callView(page, 'connected').waitFor({ timeout: 30_000 });
    await receives(a.page, ['audio']);
    await receives(b.page, ['audio']);
    // The encrypted DM's latest events are the call's machinery (answer, candidates), which say nothing: the room
    // list still reads the call's invite, not an empty line.
    for (const page of [a.page, b.page]) await previewLine(page, roomId, /started a voice call$/).waitFor({ timeout: 30_000 });
    const ids = await Promise.all([a.page, b.page].map((page) => page.getByTestId('call-view').getAttribute('data-call-id')));
    assert.ok(ids[0]);
    assert.equal(ids[0], ids[1]);
    for (const page of [a.page, b.page]) {
      assert.equal(await page.getByTestId('call-incoming').count(), 0);
      await waitForTone(page, '');
    }
    await a.page.getByTestId('call-hang-up').click();
    for (const page of [a.page, b.page]) {
      await page.getByTestId('call-view').waitFor({ state: 'detached', timeout: 30_000 });
      await timelineLine(page, /^Call ended · \d+:\d\d$/).waitFor({ timeout: 30_000 });
    }
  });

  it('answered on Bob\'s other device: this one stops ringing and says so; declined there: it stops without a word', async () => {
    b2 = await startWebUi('calls-busy-bob2', { ...OPTIONS, hs: a.hs });
    await prepare(b2);
    await b2.signIn(bob, 'bob-password');
    await openDm(b2.page);
    // Bob's note that the call was answered elsewhere is read and photographed before it closes itself: the app's 4 s.
    // Alice's and Bob's other page's calls close themselves (awaited) soon.
    await showEnded(b.page, null);
    await showEnded(b2.page, ENDED_BRIEFLY_MS);

    await a.page.getByTestId('start-voice-call').click();
    for (const page of [b.page, b2.page]) {
      await page.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
      await waitForTone(page, 'ringtone');
    }
    await b2.page.getByTestId('call-accept').click();
    await receives(a.page, ['audio']);
    await receives(b2.page, ['audio']);
    await b.page.getByTestId('call-incoming').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTone(b.page, '');
    const elsewhere = callView(b.page, 'ended');
    await elsewhere.waitFor({ timeout: 30_000 });
    assert.equal(await elsewhere.getByTestId('call-status').innerText(), 'Answered on another device.');
    await sizedShots(b.page, (theme, size) => `calls-answered-elsewhere-${theme}-${size}.png`);
    await elsewhere.waitFor({ state: 'detached', timeout: 30_000 });
    await a.page.getByTestId('call-hang-up').click();
    for (const page of [a.page, b2.page]) await page.getByTestId('call-view').waitFor({ state: 'detached', timeout: 30_000 });

    // Alice's note of the declined call stays until it is read.
    await showEnded(a.page, ENDED_UNTIL_CLOSED_MS);
    await a.page.getByTestId('start-voice-call').click();
    for (const page of [b.page, b2.page]) await page.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await b2.page.getByTestId('call-decline').click();
    await b.page.getByTestId('call-incoming').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTone(b.page, '');
    assert.equal(await b.page.getByTestId('call-view').count(), 0);
    await callView(a.page, 'ended').getByText('The call was declined.').waitFor({ timeout: 30_000 });
  });
});
