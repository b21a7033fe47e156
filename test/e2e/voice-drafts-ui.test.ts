/**
 * Voice messages in threads, and kept per composer, as Element does them, in Chromium (its fake microphone, a
 * beeping tone) against Synapse through the web host: the thread composer's microphone records a voice message that
 * goes into the thread (m.thread relation, MSC3245/MSC3246 markers) and plays in the thread panel; opening another
 * room (or closing the thread) mid-recording stops the recording, lets the microphone go (every track ended) and
 * keeps it as that composer's preview, which is there on coming back to send or delete (its object URL released
 * then); leaving the room throws its kept one away (not there on joining again), and signing out every one. Screenshots of the thread composer's microphone, recording and
 * preview, and of the voice message sent in the thread, in both themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { FAKE_MICROPHONE_ARGS } from '../harness/chromium.ts';
import { MatrixPeer, type MatrixEvent } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

/** What the page did with microphones and object URLs, recorded by an init script (see `watchMicrophone`). */
interface Watched {
  /** Per stream the page was given: how many of its tracks are still live. */
  liveTracks: number[];
  /** Object URLs made for recordings (audio blobs), and every object URL revoked. */
  made: string[];
  revoked: string[];
}

declare global {
  interface Window { latticeTest?: { streams: MediaStream[]; made: string[]; revoked: string[] } }
}

/** Before the page loads: every microphone stream handed out, and every recording's object URL made or revoked, is noted. */
function watchMicrophone(): void {
  const seen = { streams: [] as MediaStream[], made: [] as string[], revoked: [] as string[] };
  window.latticeTest = seen;
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (c) => {
    const stream = await getUserMedia(c);
    seen.streams.push(stream);
    return stream;
  };
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob | MediaSource) => {
    const url = create(obj);
    if (obj instanceof Blob && obj.type.startsWith('audio/')) seen.made.push(url);
    return url;
  };
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.revokeObjectURL = (url: string) => { seen.revoked.push(url); revoke(url); };
}

describe('voice messages in threads and kept per room against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let otherRoomId: string;
  let rootId: string;
  /** A room Alice leaves with a voice message kept in it. */
  let shortStayId: string;

  before(async () => {
    ui = await startWebUi('voice-drafts', { fullChromium: true, chromiumArgs: FAKE_MICROPHONE_ARGS, context: { permissions: ['microphone'] } });
    page = ui.page;
    await page.addInitScript(watchMicrophone);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Voice Drafts'));
    otherRoomId = await bob.createRoom({ name: 'Elsewhere', invite: [alice.userId] });
    await new MatrixPeer(ui.hs.baseUrl, alice).join(otherRoomId);
    await bob.sendEvent(otherRoomId, 'm.room.message', { msgtype: 'm.text', body: 'Over here' });
    shortStayId = await bob.createRoom({ name: 'Short Stay', invite: [alice.userId] });
    await new MatrixPeer(ui.hs.baseUrl, alice).join(shortStayId);
    await bob.sendEvent(shortStayId, 'm.room.message', { msgtype: 'm.text', body: 'Not for long' });
    rootId = await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Thread root from Bob' });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'First thread reply',
      'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
    });
  });
  after(async () => {
    await ui?.stop();
  });

  const shots = (name: string) => sizedShots(page, (theme, size) => `voice-thread-${theme}-${size}-${name}.png`);
  const panel = () => page.getByTestId('thread-panel');
  const roomComposer = () => page.getByTestId('composer-form');
  const openRoom = async (id: string, text: string) => {
    await page.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click({ timeout: 30_000 });
    await page.getByTestId('timeline').getByText(text).first().waitFor({ timeout: 30_000 });
  };
  const rootRow = () => page.getByTestId('timeline').getByTestId('message').filter({ hasText: 'Thread root from Bob' });
  const openThread = async () => {
    await rootRow().getByTestId('thread-summary').click({ timeout: 30_000 });
    await panel().getByTestId('thread-message').filter({ hasText: 'First thread reply' }).waitFor({ timeout: 30_000 });
  };

  const watched = (): Promise<Watched> => page.evaluate(() => ({
    liveTracks: (window.latticeTest?.streams ?? []).map((s) => s.getTracks().filter((t) => t.readyState === 'live').length),
    made: window.latticeTest?.made ?? [],
    revoked: window.latticeTest?.revoked ?? [],
  }));

  /** Starts recording in `within` and waits until the clock shows `seconds`. */
  async function record(within: Locator, seconds: number): Promise<void> {
    await within.getByTestId('voice-record').click();
    await within.getByTestId('voice-recording').waitFor({ timeout: 15_000 });
    await within.getByTestId('voice-elapsed').filter({ hasText: `0:0${seconds}` }).waitFor({ timeout: 15_000 });
  }

  function checkVoiceEvent(content: MatrixEvent['content']): void {
    assert.equal(content.msgtype, 'm.audio');
    assert.deepEqual(content['org.matrix.msc3245.voice'], {});
    const info = content.info as { duration?: number };
    assert.ok((info.duration ?? 0) > 1000, `info.duration ${info.duration}`);
    const audio = content['org.matrix.msc1767.audio'] as { duration?: number; waveform?: unknown[] };
    assert.equal(audio.duration, info.duration);
    assert.ok((audio.waveform ?? []).length >= 30, 'an MSC3246 waveform');
  }

  it('signs in; the thread composer offers the microphone while it is empty', async () => {
    await ui.signIn(alice, 'alice-password');
    await openRoom(roomId, 'Thread root from Bob');
    await openThread();
    const form = panel().getByTestId('thread-composer-form');
    await form.getByTestId('voice-record').waitFor();
    await form.getByTestId('thread-composer').fill('typing');
    await form.getByTestId('voice-record').waitFor({ state: 'detached' });
    await form.getByTestId('thread-composer').fill('');
    await form.getByTestId('voice-record').waitFor();
    await shots('mic');
  });

  it('records a voice message in the thread and sends it there; it plays in the thread panel', async () => {
    const form = panel().getByTestId('thread-composer-form');
    await record(form, 2);
    await shots('recording');
    assert.equal(await roomComposer().getByTestId('voice-recording').count(), 0, 'the room composer is not recording');
    await form.getByTestId('voice-stop').click();
    const preview = form.getByTestId('voice-preview');
    await preview.waitFor({ timeout: 15_000 });
    await shots('preview');
    assert.deepEqual((await watched()).liveTracks, [0], 'the microphone was let go when the recording stopped');
    const url = await preview.locator('audio').getAttribute('src');
    await preview.getByTestId('voice-send').click();

    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.audio', 30_000);
    checkVoiceEvent(sent.content);
    const rel = sent.content['m.relates_to'] as { rel_type?: string; event_id?: string; is_falling_back?: boolean; 'm.in_reply_to'?: { event_id?: string } };
    assert.equal(rel.rel_type, 'm.thread');
    assert.equal(rel.event_id, rootId);
    assert.equal(rel.is_falling_back, true);
    assert.ok(rel['m.in_reply_to']?.event_id?.startsWith('$'), 'the falling-back reply to the latest in the thread');

    await form.getByTestId('voice-preview').waitFor({ state: 'detached' });
    assert.ok((await watched()).revoked.includes(url ?? '-'), 'the preview\'s object URL was released once sent');
    const reply = panel().getByTestId('thread-message').filter({ has: page.getByTestId('voice-message') });
    await reply.waitFor({ timeout: 30_000 });
    const slider = reply.getByTestId('voice-waveform');
    await reply.getByTestId('voice-play').click();
    await page.waitForFunction((el) => Number(el?.getAttribute('aria-valuenow')) >= 1, await slider.elementHandle(), { timeout: 15_000 });
    await reply.getByTestId('voice-play').click();
    await shots('sent');
    await rootRow().getByTestId('thread-summary').filter({ hasText: '2 replies' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('timeline').getByTestId('voice-message').count(), 0, 'it stays out of the main timeline');
  });

  it('closing the thread mid-recording keeps the recording as the thread\'s preview; Delete releases it', async () => {
    await record(panel().getByTestId('thread-composer-form'), 2);
    await panel().getByTestId('thread-close').click();
    await panel().waitFor({ state: 'detached' });
    await page.waitForFunction(() => (window.latticeTest?.streams ?? []).every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
    assert.equal(await roomComposer().getByTestId('voice-preview').count(), 0, 'the room\'s composer has no draft of the thread');

    await openThread();
    const preview = panel().getByTestId('voice-preview');
    await preview.waitFor({ timeout: 15_000 });
    assert.match(await preview.getByTestId('voice-clock').innerText(), /^0:0[2-9]$/);
    const url = await preview.locator('audio').getAttribute('src');
    await preview.getByTestId('voice-delete').click();
    await panel().getByTestId('voice-record').waitFor();
    assert.ok((await watched()).revoked.includes(url ?? '-'), 'the deleted preview\'s object URL was released');
    await panel().getByTestId('thread-close').click();
  });

  it('opening another room mid-recording stops it and lets the microphone go; back in the room, its preview sends', async () => {
    await record(roomComposer(), 2);
    await openRoom(otherRoomId, 'Over here');
    await page.waitForFunction(() => (window.latticeTest?.streams ?? []).every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
    assert.equal(await roomComposer().getByTestId('voice-preview').count(), 0, 'the other room has no preview');
    await roomComposer().getByTestId('voice-record').waitFor();

    await openRoom(roomId, 'Thread root from Bob');
    const preview = roomComposer().getByTestId('voice-preview');
    await preview.waitFor({ timeout: 15_000 });
    assert.match(await preview.getByTestId('voice-clock').innerText(), /^0:0[2-9]$/);
    const url = await preview.locator('audio').getAttribute('src');
    await preview.getByTestId('voice-send').click();
    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.audio' && !e.content['m.relates_to'], 30_000);
    checkVoiceEvent(sent.content);
    await preview.waitFor({ state: 'detached' });
    assert.ok((await watched()).revoked.includes(url ?? '-'), 'the sent preview\'s object URL was released');
    await page.getByTestId('timeline').getByTestId('voice-message').first().waitFor({ timeout: 30_000 });
  });

  it('leaving a room throws away the voice message kept in it; joining again finds none', async () => {
    await openRoom(shortStayId, 'Not for long');
    await record(roomComposer(), 1);
    await roomComposer().getByTestId('voice-stop').click();
    const url = await roomComposer().getByTestId('voice-preview').locator('audio').getAttribute('src');
    await openRoom(otherRoomId, 'Over here');
    assert.ok(!(await watched()).revoked.includes(url ?? '-'), 'kept while the room is only out of sight');

    const shortStay = page.locator(`[data-testid="room-item"][data-room-id="${shortStayId}"]`);
    await shortStay.click({ button: 'right' });
    await page.getByTestId('room-menu').getByTestId('room-menu-leave').click();
    await page.getByTestId('leave-room-dialog').getByTestId('dialog-submit').click();
    await shortStay.waitFor({ state: 'detached', timeout: 30_000 });
    await page.waitForFunction((u) => window.latticeTest?.revoked.includes(u ?? '-'), url, { timeout: 15_000 });

    await bob.invite(shortStayId, alice.userId);
    await new MatrixPeer(ui.hs.baseUrl, alice).join(shortStayId);
    await openRoom(shortStayId, 'Not for long');
    await roomComposer().getByTestId('voice-record').waitFor();
    assert.equal(await roomComposer().getByTestId('voice-preview').count(), 0, 'no voice message from before leaving');
    await openRoom(roomId, 'Thread root from Bob');
  });

  it('signing out throws the kept recordings away and lets the microphone go', async () => {
    // A preview kept in this room, and a recording under way in the other one when Alice signs out.
    await record(roomComposer(), 1);
    await openRoom(otherRoomId, 'Over here');
    await record(roomComposer(), 1);
    const before = await watched();
    assert.equal(before.liveTracks.at(-1), 1, 'recording now');
    assert.ok(before.made.some((u) => !before.revoked.includes(u)), 'a preview is kept');
    await page.getByTestId('open-sign-out').click();
    await page.getByTestId('sign-out-dialog').getByTestId('dialog-submit').click();
    await page.getByTestId('login-userid').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (window.latticeTest?.streams ?? []).every((s) => s.getTracks().every((t) => t.readyState === 'ended')));
    const after = await watched();
    assert.deepEqual(after.made.filter((u) => !after.revoked.includes(u)), [], 'every recording\'s object URL was released');
  });
});
