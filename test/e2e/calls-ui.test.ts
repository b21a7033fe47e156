/**
 * 1:1 calls between two people, each in their own Lattice (own web host and backend, own Chromium with its fake
 * camera and microphone) against one Synapse, in an encrypted DM: Alice calls Bob, Bob's page rings, he accepts, and
 * both pages' WebRTC connections connect and receive the other's media (getStats: bytes received, per kind); the
 * in-call buttons (mute, camera) act on the tracks sent; a hang-up on one side ends the call on both. A video call the
 * other way; a declined call; a call Alice gives up on (Bob's "Missed call"); an invite that times out by its own
 * lifetime; an invite that arrives in the first sync never rings; a call on the microphone chosen in Settings that goes
 * on with the default one when it is unplugged (the other side, its call sounds off, rings without a sound); a refused
 * microphone said in words. A call that was up ends with a short hang-up tone on both sides. While a call
 * rings, the page plays a ringtone and the caller's a ringback tone, both silent again once it is answered, declined,
 * given up or timed out (test/harness/calls.ts counts the oscillators). A call's media changes while it is on
 * (renegotiated with m.call.negotiate, each stream named in the stream metadata): Bob shares his screen in a video
 * call and Alice sees it beside his camera (two tiles, each with its picture's shape: the fake screen's, the fake
 * camera's), and in a voice call, where it comes alone; it goes when he stops; his mute and camera-off show on her
 * side; Alice turns her camera on in the voice call and Bob receives it. Screenshots of the ringing prompt, voice
 * and video calls, a shared screen on both sides and the timeline's call lines, in both themes, go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ENDED_UNTIL_CLOSED_MS, pcState, receives, recordOscillators, recordPeerConnections, showEnded, tone, waitForTone } from '../harness/calls.ts';
import { FAKE_MICROPHONE_ARGS } from '../harness/chromium.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, serverSays, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

describe('1:1 calls between two Lattice web UIs against Synapse', () => {
  let a: WebUi;
  let b: WebUi;
  let alicePage: Page;
  let bobPage: Page;
  let alice: TestUser;
  let bob: TestUser;
  let alicePeer: MatrixPeer;
  let roomId: string;

  before(async () => {
    const args = FAKE_MICROPHONE_ARGS;
    const context = { permissions: ['microphone', 'camera'] };
    a = await startWebUi('calls-alice', { fullChromium: true, chromiumArgs: args, context });
    // Bob shares a screen: the fake picker answers getDisplayMedia with a fake 1280×720 screen (headless Chromium has
    // no picker). Alice's page keeps the real permission prompts, so her refused microphone stays refused.
    b = await startWebUi('calls-bob', { hs: a.hs, fullChromium: true, chromiumArgs: [...args, '--use-fake-ui-for-media-stream'], context });
    alicePage = a.page;
    bobPage = b.page;
    for (const ui of [a, b]) {
      await ui.context.addInitScript(recordPeerConnections);
      await ui.context.addInitScript(recordOscillators);
      await ui.page.emulateMedia({ reducedMotion: 'reduce' });
    }
    alice = await a.hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await a.hs.registerUser('bob', 'bob-password', { displayname: 'Bob' });
    alicePeer = new MatrixPeer(a.hs.baseUrl, alice);
    const bobPeer = new MatrixPeer(a.hs.baseUrl, bob);
    roomId = await alicePeer.createRoom({ invite: [bob.userId], isDirect: true, preset: 'trusted_private_chat' });
    await bobPeer.join(roomId);
    await alicePeer.setState(roomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    await alicePeer.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/account_data/m.direct`, { [bob.userId]: [roomId] });
    await bobPeer.request('PUT', `/_matrix/client/v3/user/${encodeURIComponent(bob.userId)}/account_data/m.direct`, { [alice.userId]: [roomId] });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  const callView = (page: Page, attrs: string) => page.locator(`[data-testid="call-view"]${attrs}`);
  /**
   * Waits until the other side's picture plays in its tile (`call-remote-video` for their camera, `call-remote-screen`
   * for their screen shared beside it) with the shape of the fake camera (4:3) or the fake screen (16:9): its size
   * adapts to the bandwidth, its shape does not.
   */
  const remotePicture = (page: Page, kind: 'camera' | 'screen', tile = kind === 'camera' ? 'call-remote-video' : 'call-remote-screen') =>
    page.waitForFunction(([id, ratio]) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`);
      return Boolean(v?.videoHeight) && Math.abs(v!.videoWidth / v!.videoHeight - Number(ratio)) < 0.05;
    }, [tile, kind === 'camera' ? 4 / 3 : 16 / 9] as const, { timeout: 30_000 });

  /**
   * Closes the page's ended call with its Close button as soon as it shows ended, rather than waiting the seconds it
   * stays on screen (its closing by itself is proven after the first call). Clicked in the page, so a view that closed
   * by itself in between is no failure.
   */
  const closeEnded = async (page: Page) => {
    await callView(page, '[data-phase="ended"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="call-close"]')?.click());
    await page.getByTestId('call-view').waitFor({ state: 'detached' });
  };

  const room = (page: Page) => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
  /** A line of the timeline (names in it are isolated for bidirectional text, hence the \W? around them). */
  const timelineLine = (page: Page, text: string | RegExp, nth = 0) => page.getByTestId('timeline').getByText(text).nth(nth);

  /** A raw invite from Alice's account (not her Lattice), to Bob, with the lifetime given. */
  const rawInvite = (callId: string, lifetime: number) => alicePeer.sendEvent(roomId, 'm.call.invite', {
    call_id: callId, party_id: 'peer', version: '1', lifetime, invitee: bob.userId,
    offer: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' },
  });

  it('both sign in and open their DM, whose header offers voice and video calls; an invite in the first sync never rings', async () => {
    await a.signIn(alice, 'alice-password');
    // Still within its lifetime when Bob signs in, but it comes in his first sync, not live: it must not ring.
    await rawInvite('before-sign-in', 600_000);
    await b.signIn(bob, 'bob-password');
    for (const page of [alicePage, bobPage]) {
      await room(page).click({ timeout: 30_000 });
      await page.getByTestId('start-voice-call').waitFor({ timeout: 30_000 });
      await page.getByTestId('start-video-call').waitFor();
    }
    await timelineLine(bobPage, /^\W?Alice\W? started a voice call$/).waitFor({ timeout: 30_000 });
    await alicePeer.sendText(roomId, 'signed in');
    await timelineLine(bobPage, 'signed in').waitFor({ timeout: 30_000 });
    assert.equal(await bobPage.getByTestId('call-incoming').count(), 0);
    await alicePeer.sendEvent(roomId, 'm.call.hangup', { call_id: 'before-sign-in', party_id: 'peer', version: '1', reason: 'user_hangup' });
    await timelineLine(bobPage, 'Missed call').waitFor({ timeout: 30_000 });
  });

  it('Alice calls Bob: his page rings, he accepts, both connect and hear each other, and his hang-up ends it on both', async () => {
    await alicePage.getByTestId('start-voice-call').click();
    await alicePage.locator('[data-testid="call-view"][data-phase="calling"]').waitFor();
    const ringing = bobPage.getByTestId('call-incoming');
    await ringing.waitFor({ timeout: 30_000 });
    assert.equal(await ringing.getAttribute('data-kind'), 'voice');
    assert.match(await ringing.innerText(), /Alice[\s\S]*Incoming voice call/);
    // Bob's page rings; Alice's plays the ringback tone until he answers.
    await waitForTone(bobPage, 'ringtone');
    await waitForTone(alicePage, 'ringback');
    await sizedShots(bobPage, (theme, size) => `calls-${theme}-${size}-ringing.png`);

    await bobPage.getByTestId('call-accept').click();
    await ringing.waitFor({ state: 'detached' });
    await waitForTone(bobPage, '');
    await waitForTone(alicePage, '');
    await receives(alicePage, ['audio']);
    await receives(bobPage, ['audio']);
    for (const page of [alicePage, bobPage]) {
      await page.locator('[data-testid="call-view"][data-phase="connected"]').waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId('call-status').innerText(), /^\d+:\d\d$/);
    }
    assert.match(await bobPage.getByTestId('call-view').innerText(), /Alice/);
    await sizedShots(alicePage, (theme, size) => `calls-${theme}-${size}-in-voice-call.png`);

    // Mute stops what Alice's microphone sends, and says so on the button.
    const micEnabled = () => alicePage.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!
      .getSenders().filter((s) => s.track?.kind === 'audio').map((s) => s.track!.enabled));
    assert.deepEqual(await micEnabled(), [true]);
    await alicePage.getByTestId('call-mute').click();
    assert.equal(await alicePage.getByTestId('call-mute').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await micEnabled(), [false]);
    await alicePage.getByTestId('call-mute').click();
    assert.deepEqual(await micEnabled(), [true]);

    // The hang-up tone sounds while the ended call shows, 4 s: kept until closed here, so that a busy machine's slow
    // reads of one page cannot outlast the other's tone.
    for (const page of [alicePage, bobPage]) await showEnded(page, ENDED_UNTIL_CLOSED_MS);
    await bobPage.getByTestId('call-hang-up').click();
    // The call was up: both sides hear the short hang-up tone, silent again once the call's end is gone.
    for (const page of [alicePage, bobPage]) await waitForTone(page, 'hangup');
    for (const page of [alicePage, bobPage]) {
      await page.getByTestId('call-close').click();
      await showEnded(page, null);
      await page.getByTestId('call-view').waitFor({ state: 'detached', timeout: 30_000 });
      await waitForTone(page, '');
      assert.equal(await pcState(page), 'closed');
      // The second such line: the first is the invite of the first sync.
      await timelineLine(page, /^\W?Alice\W? started a voice call$/, 1).waitFor({ timeout: 30_000 });
      await timelineLine(page, /^Call ended · \d+:\d\d$/).waitFor({ timeout: 30_000 });
    }
  });

  it('Bob video-calls Alice: both receive audio and video, the camera button stops Bob\'s camera, Alice hangs up', async () => {
    await bobPage.getByTestId('start-video-call').click();
    const ringing = alicePage.getByTestId('call-incoming');
    await ringing.waitFor({ timeout: 30_000 });
    assert.equal(await ringing.getAttribute('data-kind'), 'video');
    assert.match(await ringing.innerText(), /Bob[\s\S]*Incoming video call/);
    await alicePage.getByTestId('call-accept').click();
    await receives(alicePage, ['audio', 'video']);
    await receives(bobPage, ['audio', 'video']);
    for (const page of [alicePage, bobPage]) {
      await page.locator('[data-testid="call-view"][data-phase="connected"][data-kind="video"]').waitFor({ timeout: 30_000 });
      // The other side's picture plays, and the own camera shows small.
      await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="call-remote-video"]')?.videoWidth ?? 0) > 0);
      await page.getByTestId('call-own-video').waitFor();
    }
    await sizedShots(bobPage, (theme, size) => `calls-${theme}-${size}-in-video-call.png`);

    // Sharing his screen adds it as a stream of its own, named m.screenshare in his stream metadata (renegotiated, as
    // Element does): Alice sees it beside his camera, both playing; stopping takes the screen away, the camera stays.
    await remotePicture(alicePage, 'camera');
    await bobPage.getByTestId('call-share').click();
    await callView(bobPage, '[data-sharing="true"]').getByTestId('call-own-screen').waitFor();
    await callView(alicePage, '[data-remote-screen="true"]').waitFor({ timeout: 30_000 });
    await remotePicture(alicePage, 'screen');
    await remotePicture(alicePage, 'camera');
    // Two pictures go out: the camera's and the screen's (not one replacing the other).
    assert.equal(await bobPage.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!
      .getSenders().filter((s) => s.track?.kind === 'video').length), 2);
    await sizedShots(alicePage, (theme, size) => `calls-${theme}-${size}-screen-beside-camera.png`);
    await bobPage.getByTestId('call-share').click();
    await callView(bobPage, '[data-sharing="false"]').getByTestId('call-own-video').waitFor();
    await callView(alicePage, '[data-remote-screen="false"]').waitFor({ timeout: 30_000 });
    await remotePicture(alicePage, 'camera');

    // His microphone and camera turned off: his metadata says so, and Alice's view shows it.
    await bobPage.getByTestId('call-mute').click();
    await alicePage.getByTestId('call-peer-muted').waitFor({ timeout: 30_000 });
    await bobPage.getByTestId('call-camera').click();
    await bobPage.getByTestId('call-own-video-off').waitFor();
    await alicePage.getByTestId('call-peer-camera-off').waitFor({ timeout: 30_000 });
    assert.equal(await alicePage.getByTestId('call-remote-video').count(), 0);
    await shot(alicePage, path.join(ARTIFACTS, 'calls-light-1280x800-peer-muted.png'));
    assert.deepEqual(await bobPage.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!
      .getSenders().filter((s) => s.track?.kind === 'video').map((s) => s.track!.enabled)), [false]);

    await alicePage.getByTestId('call-hang-up').click();
    for (const page of [alicePage, bobPage]) {
      await closeEnded(page);
      assert.equal(await pcState(page), 'closed');
      await timelineLine(page, /^\W?Bob\W? started a video call$/).waitFor({ timeout: 30_000 });
    }
  });

  it('a voice call gains video: Bob shares his screen and stops, Alice turns her camera on (m.call.negotiate)', async () => {
    await alicePage.getByTestId('start-voice-call').click();
    await bobPage.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await bobPage.getByTestId('call-accept').click();
    for (const page of [alicePage, bobPage]) {
      await callView(page, '[data-phase="connected"][data-kind="voice"][data-remote-video="false"]').waitFor({ timeout: 30_000 });
    }
    await receives(alicePage, ['audio']);

    const share = bobPage.getByTestId('call-share');
    assert.equal(await share.getAttribute('aria-disabled'), 'false');
    assert.equal(await share.getAttribute('title'), 'Share your screen');
    await share.click();
    await callView(bobPage, '[data-sharing="true"]').getByTestId('call-own-screen').waitFor();
    // Video where there was none: negotiated, then received and shown on Alice's side, as his screen (his camera is not on).
    await receives(alicePage, ['audio', 'video']);
    await callView(alicePage, '[data-remote-screen="true"][data-remote-video="false"]').waitFor({ timeout: 30_000 });
    await remotePicture(alicePage, 'screen');
    assert.equal(await share.getAttribute('aria-pressed'), 'true');
    await sizedShots(bobPage, (theme, size) => `calls-${theme}-${size}-sharing.png`);
    await shot(alicePage, path.join(ARTIFACTS, 'calls-light-1280x800-shared-screen.png'));

    await share.click();
    await callView(bobPage, '[data-sharing="false"]').waitFor();
    await callView(alicePage, '[data-remote-screen="false"]').waitFor({ timeout: 30_000 });
    assert.equal(await alicePage.getByTestId('call-remote-screen').count(), 0);

    // Alice's camera, turned on in the voice call, goes to Bob (negotiated the other way, by the caller).
    await alicePage.getByTestId('call-camera').click();
    await alicePage.getByTestId('call-own-video').waitFor();
    await callView(bobPage, '[data-remote-video="true"]').waitFor({ timeout: 30_000 });
    await remotePicture(bobPage, 'camera');
    await receives(bobPage, ['audio', 'video']);
    for (const page of [alicePage, bobPage]) assert.equal(await callView(page, '').getAttribute('data-phase'), 'connected');

    await alicePage.getByTestId('call-hang-up').click();
    for (const page of [alicePage, bobPage]) await closeEnded(page);
  });

  it('Bob declines: Alice is told, and both timelines say so', async () => {
    await alicePage.getByTestId('start-voice-call').click();
    await bobPage.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await waitForTone(bobPage, 'ringtone');
    await waitForTone(alicePage, 'ringback');
    await bobPage.getByTestId('call-decline').click();
    await bobPage.getByTestId('call-incoming').waitFor({ state: 'detached' });
    await waitForTone(bobPage, '');
    await alicePage.locator('[data-testid="call-view"][data-phase="ended"]').getByText('The call was declined.').waitFor({ timeout: 30_000 });
    await closeEnded(alicePage);
    await waitForTone(alicePage, '');
    for (const page of [alicePage, bobPage]) await timelineLine(page, /^\W?Bob\W? declined the call$/).waitFor({ timeout: 30_000 });
  });

  it('Alice gives up before Bob answers: his ringing stops and he sees a missed call', async () => {
    await alicePage.getByTestId('start-video-call').click();
    await bobPage.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await waitForTone(bobPage, 'ringtone');
    await alicePage.getByTestId('call-hang-up').click();
    await closeEnded(alicePage);
    await waitForTone(alicePage, '');
    await bobPage.getByTestId('call-incoming').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTone(bobPage, '');
    await timelineLine(bobPage, 'Missed call', 1).waitFor({ timeout: 30_000 });
    await timelineLine(alicePage, 'Call cancelled', 1).waitFor({ timeout: 30_000 });
    // The room list's preview says the same.
    await room(bobPage).getByText('Missed call').waitFor({ timeout: 30_000 });
    await sizedShots(bobPage, (theme, size) => `calls-${theme}-${size}-timeline.png`);
  });

  it('an invite rings only within its lifetime: unanswered, it stops ringing by itself', async () => {
    await rawInvite('short-lived', 3000);
    await bobPage.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await waitForTone(bobPage, 'ringtone');
    await bobPage.getByTestId('call-incoming').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTone(bobPage, '');
  });

  it('a call uses the microphone chosen in Settings, and goes on with the default when it is unplugged', async () => {
    await alicePage.getByTestId('open-settings').click();
    await alicePage.getByTestId('settings-tab-voice').click();
    await alicePage.getByTestId('av-microphone').selectOption({ label: 'Fake Audio Input 2' });
    await alicePage.keyboard.press('Escape');
    await alicePage.getByTestId('settings').waitFor({ state: 'detached' });
    const sentMic = () => alicePage.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!
      .getSenders().filter((s) => s.track?.kind === 'audio').map((s) => s.track!.label));

    // Bob turns call sounds off: his page rings without a sound.
    await bobPage.getByTestId('open-settings').click();
    await bobPage.getByTestId('settings-tab-voice').click();
    // Once the devices are listed (the level meter and camera preview come in above the switch and move it: a click
    // aimed before that, under load, lands beside it).
    await bobPage.getByTestId('av-mic-level').waitFor();
    await bobPage.getByTestId('av-call-sounds').uncheck();
    await bobPage.keyboard.press('Escape');

    await alicePage.getByTestId('start-voice-call').click();
    await bobPage.getByTestId('call-incoming').waitFor({ timeout: 30_000 });
    await waitForTone(alicePage, 'ringback');
    assert.deepEqual(await tone(bobPage), { tone: '', oscillators: 0 });
    await bobPage.getByTestId('call-accept').click();
    await receives(alicePage, ['audio']);
    await receives(bobPage, ['audio']);
    assert.deepEqual(await sentMic(), ['Fake Audio Input 2']);
    assert.equal(await alicePage.getByTestId('call-device-note').count(), 0);

    // Unplugged: the browser no longer lists it and says its devices changed.
    await alicePage.evaluate(() => {
      const media = navigator.mediaDevices;
      const enumerate = media.enumerateDevices.bind(media);
      media.enumerateDevices = async () => (await enumerate()).filter((d) => d.label !== 'Fake Audio Input 2');
      media.dispatchEvent(new Event('devicechange'));
    });
    await serverSays('the call moved to the default microphone', sentMic, (labels) => labels.length === 1 && labels[0] !== 'Fake Audio Input 2');
    assert.equal(await alicePage.getByTestId('call-device-note').innerText(),
      'Your microphone was disconnected: the call goes on with the default microphone.');
    await alicePage.locator('[data-testid="call-view"][data-phase="connected"]').waitFor();
    await sizedShots(alicePage, (theme, size) => `calls-${theme}-${size}-device-note.png`);
    await alicePage.getByTestId('call-hang-up').click();
    for (const page of [alicePage, bobPage]) await closeEnded(page);
    for (const page of [alicePage, bobPage]) await page.evaluate(() => { localStorage.removeItem('lattice.media'); });
  });

  it('a refused microphone is said in words, and nothing is sent', async () => {
    await a.context.clearPermissions();
    await alicePage.getByTestId('start-voice-call').click();
    const ended = alicePage.locator('[data-testid="call-view"][data-phase="ended"]');
    await ended.waitFor({ timeout: 30_000 });
    assert.match(await ended.getByTestId('call-status').innerText(), /may not use your microphone/);
    await alicePage.getByTestId('call-close').click();
    await ended.waitFor({ state: 'detached' });
    assert.equal(await bobPage.getByTestId('call-incoming').count(), 0);
  });
});
