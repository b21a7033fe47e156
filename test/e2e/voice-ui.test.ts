/**
 * Voice messages as a person records and plays them, in Chromium (with its fake microphone, a beeping tone) against
 * Synapse through the web host: about two seconds recorded from the composer's microphone button, the preview,
 * and the event Bob receives (m.audio with MSC3245's marker, its length and an MSC3246 waveform of whole numbers);
 * the message playing in the timeline (its length shown, the progress moving, seeking by click and keys, which needs
 * the media route to answer byte ranges, the clock counting the time left down so that under a second in does not
 * read 0:00, in the preview too), also in an encrypted room; Esc while recording (at once when short, asking first when longer); and a page not allowed
 * the microphone saying so in words. Screenshots of the recording, the preview and the message in the timeline, in
 * both themes at 1280×800 and 800×600, go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { FAKE_MICROPHONE_ARGS } from '../harness/chromium.ts';
import { MatrixPeer, type MatrixEvent } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';

describe('voice messages against Synapse', () => {
  let ui: WebUi;
  let page: Page;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  /** The length of the voice message sent first, as its event declares it (ms). */
  let durationMs = 0;

  before(async () => {
    ui = await startWebUi('voice', { fullChromium: true, chromiumArgs: FAKE_MICROPHONE_ARGS, context: { permissions: ['microphone'] } });
    page = ui.page;
    // No colour transitions: a screenshot right after a theme switch would catch colours halfway.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    ({ alice, bob, roomId } = await aliceAndBobRoom(ui.hs, 'Voice E2E'));
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Say something' });
  });
  after(async () => {
    await ui?.stop();
  });

  const shots = (name: string) => sizedShots(page, (theme, size) => `voice-${theme}-${size}-${name}.png`);

  /** Records until the clock shows `seconds`, then stops: the preview is open after. */
  async function record(seconds: number): Promise<void> {
    await page.getByTestId('voice-record').click();
    await page.getByTestId('voice-recording').waitFor({ timeout: 15_000 });
    await page.getByTestId('voice-elapsed').filter({ hasText: `0:0${seconds}` }).waitFor({ timeout: 15_000 });
  }

  /** A player's clock for `ms` of audio left (under a minute): whole seconds, rounded up. */
  const lengthClock = (ms: number) => `0:${String(Math.ceil(Math.round(ms) / 1000)).padStart(2, '0')}`;

  /** The voice message rows in the timeline. */
  const voiceRows = () => page.getByTestId('message').filter({ has: page.getByTestId('voice-message') });

  /** Plays a voice message (a timeline row or the preview) and waits for its progress to pass a second. */
  async function playsIn(row: Locator): Promise<void> {
    const slider = row.getByTestId('voice-waveform');
    assert.equal(await slider.getAttribute('aria-valuenow'), '0');
    await row.getByTestId('voice-play').click();
    await page.waitForFunction((el) => Number(el?.getAttribute('aria-valuenow')) >= 1, await slider.elementHandle(), { timeout: 15_000 });
    assert.ok(await row.locator('.voice-bar.is-played').count() > 0, 'the bars played are coloured in');
  }

  /**
   * Seeks `row`'s paused player to under a second in (a click near the start of its waveform): the clock then reads
   * the time left, not the 0:00 a clock of the time played rounded down would show, as if it had ended. Answers the
   * clock and where the audio is (s).
   */
  async function clockNearTheStart(row: Locator): Promise<{ clock: string; at: number }> {
    const slider = row.getByTestId('voice-waveform');
    const box = (await slider.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.1, box.y + box.height / 2);
    const at = await row.locator('audio').evaluate((a) => (a as HTMLAudioElement).currentTime);
    assert.ok(at > 0 && at < 1, `the audio is ${at} s in`);
    const clock = await row.getByTestId('voice-clock').innerText();
    assert.notEqual(clock, '0:00', `${at} s in does not read like the end`);
    return { clock, at };
  }

  function checkVoiceEvent(content: MatrixEvent['content']): void {
    assert.equal(content.msgtype, 'm.audio');
    assert.deepEqual(content['org.matrix.msc3245.voice'], {});
    const info = content.info as { duration?: number; mimetype?: string; size?: number };
    assert.ok((info.duration ?? 0) > 1000, `info.duration ${info.duration}`);
    assert.match(String(info.mimetype), /^audio\/(webm|ogg)/);
    const audio = content['org.matrix.msc1767.audio'] as { duration?: number; waveform?: unknown[] };
    assert.equal(audio.duration, info.duration);
    const wave = audio.waveform ?? [];
    assert.ok(wave.length >= 30 && wave.length <= 120, `${wave.length} samples`);
    assert.ok(wave.every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1024), JSON.stringify(wave));
    assert.ok(wave.some((n) => (n as number) > 0), 'the tone is heard in the waveform');
  }

  it('signs in and opens the room; the empty composer offers the microphone in place of Send', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('timeline').getByText('Say something').waitFor({ timeout: 30_000 });
    await page.getByTestId('voice-record').waitFor();
    await page.getByTestId('composer').fill('typing');
    await page.getByTestId('voice-record').waitFor({ state: 'detached' });
    await page.getByTestId('composer').fill('');
    await page.getByTestId('voice-record').waitFor();
  });

  it('records about two seconds, previews them and sends a voice message with its length and waveform', async () => {
    await record(2);
    await shots('recording');
    await page.getByTestId('voice-stop').click();
    const preview = page.getByTestId('voice-preview');
    await preview.waitFor({ timeout: 15_000 });
    // How long the recording is depends on how soon the stop lands after the clock showed 0:02 (the screenshots
    // between take longer on a busy machine), so the clocks are checked against the length the event declares.
    const previewClock = await preview.getByTestId('voice-clock').innerText();
    await shots('preview');
    await playsIn(preview); // the recording plays back before it is sent
    await preview.getByTestId('voice-play').click();
    const previewNear = await clockNearTheStart(preview);
    await preview.getByTestId('voice-send').click();
    const sent = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.audio', 30_000);
    checkVoiceEvent(sent.content);
    durationMs = (sent.content.info as { duration: number }).duration;
    assert.ok(durationMs >= 1500 && durationMs < 60_000, `${durationMs} ms recorded while the clock went to 0:02`);
    assert.equal(previewClock, lengthClock(durationMs), 'the preview shows the recording\'s length');
    assert.equal(previewNear.clock, lengthClock(durationMs - previewNear.at * 1000), 'the preview counts the time left down');
    await page.getByTestId('voice-preview').waitFor({ state: 'detached' });
    await page.getByTestId('composer').waitFor();
  });

  it('plays the voice message in the timeline: its length shown, the progress moving, seeking by click and keys', async () => {
    const row = voiceRows().last();
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('voice-clock').innerText(), lengthClock(durationMs));
    await shots('timeline');
    await playsIn(row);
    await row.getByTestId('voice-play').click(); // pause
    const slider = row.getByTestId('voice-waveform');
    await slider.focus();
    await page.keyboard.press('Home');
    assert.equal(await slider.getAttribute('aria-valuenow'), '0');
    await page.keyboard.press('End');
    assert.equal(await slider.getAttribute('aria-valuenow'), await slider.getAttribute('aria-valuemax'));
    const box = (await slider.boundingBox())!;
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    assert.equal(await slider.getAttribute('aria-valuenow'), '0');
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    assert.ok(Number(await slider.getAttribute('aria-valuenow')) >= 1, 'a click three quarters along seeks there');
    // The audio itself moved there (not only the slider), and plays on from there.
    const at = await row.locator('audio').evaluate((a) => (a as HTMLAudioElement).currentTime);
    assert.ok(at >= 1, `the audio is at ${at} s`);
    await shots('timeline-seeked');
    // Under a second in, the clock counts the time left down (whole seconds, rounded up).
    const near = await clockNearTheStart(row);
    assert.equal(near.clock, lengthClock(durationMs - near.at * 1000), `${near.at} s into ${durationMs} ms`);
    await shots('timeline-near-start');
  });

  it('Esc cancels a short recording at once, and asks first about a longer one', async () => {
    await page.getByTestId('voice-record').click();
    await page.getByTestId('voice-recording').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('voice-recording').waitFor({ state: 'detached' });
    await page.getByTestId('composer').waitFor();

    await record(4);
    await page.keyboard.press('Escape');
    await page.getByTestId('voice-ask').waitFor();
    await page.getByTestId('voice-keep').click();
    await page.getByTestId('voice-stop').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('voice-ask').waitFor();
    await page.getByTestId('voice-discard').click();
    await page.getByTestId('voice-recording').waitFor({ state: 'detached' });
    assert.equal(await voiceRows().count(), 1, 'nothing was sent');
  });

  it('sends and plays a voice message in an encrypted room: the server holds only ciphertext', async () => {
    await page.getByTestId('open-create-room').click();
    await page.getByTestId('create-room-name').fill('Secret Voice');
    assert.equal(await page.getByTestId('create-room-encrypted').isChecked(), true);
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('room-header').filter({ hasText: 'Secret Voice' }).waitFor({ timeout: 30_000 });
    const secretRoom = decodeURIComponent(new URL(page.url()).hash.replace('#/room/', ''));

    await record(2);
    await page.getByTestId('voice-stop').click();
    await page.getByTestId('voice-send').click();
    const sent = await new MatrixPeer(ui.hs.baseUrl, alice).waitForMessage(secretRoom, (e) => e.type === 'm.room.encrypted', 30_000);
    assert.ok(!/msc3245|mxc:|waveform/.test(JSON.stringify(sent.content)), 'ciphertext only');
    const row = voiceRows().last();
    await row.waitFor({ timeout: 30_000 });
    await playsIn(row);
  });

  it('says in words that the microphone is not allowed, and the composer stays as it was', async () => {
    const context = await ui.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await context.newPage();
      // The same backend (already signed in) in a page the microphone was never granted to.
      await other.goto(ui.host.newLoginUrl());
      await other.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
      await other.getByTestId('timeline').getByText('Say something').waitFor({ timeout: 30_000 });
      await other.getByTestId('voice-record').click();
      const error = other.getByTestId('voice-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match(await error.innerText(), /Lattice may not use your microphone\. Allow microphone access/);
      assert.equal(await other.getByTestId('voice-recording').count(), 0);
      await other.getByTestId('composer').fill('Still here');
      await other.getByTestId('composer').press('Enter');
      await bob.waitForMessage(roomId, (e) => e.content.body === 'Still here', 30_000);
    } finally {
      await context.close();
    }
  });
});
