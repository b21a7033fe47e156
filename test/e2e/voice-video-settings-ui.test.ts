/**
 * Settings → Voice & video in Chromium with its fake devices (three microphones, two cameras, three speakers) against
 * the preview host (no homeserver needed): before access the pickers offer only the defaults and a button asks for
 * access (a refusal said in words); once allowed every device is listed by name; the chosen microphone's live level
 * and camera's picture show while the tab is open and are let go when it closes; the choice is kept across a reload;
 * a voice message and a call ask getUserMedia for exactly the chosen devices; a chosen device that is gone falls back
 * to the default with a note, and the lists follow `devicechange`. Screenshots of the tab in both themes at 1280×800
 * and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPreview, type Preview } from '../harness/preview/preview-server.ts';
import { CHROMIUM_ARGS, FAKE_DEVICES_ARGS, FULL_CHROMIUM_PATH } from '../harness/chromium.ts';
import { ARTIFACTS as ALL_ARTIFACTS, serverSays, sizedShots } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const DIST = path.resolve(import.meta.dirname, '../../dist/renderer/index.html');
const DESIGN = '!design:lattice.test';
const DM = '!dm-bob:lattice.test';
const room = (id: string): string => `[data-testid="room-item"][data-room-id="${id}"]`;

declare global {
  interface Window { avTest?: { asked: MediaStreamConstraints[]; streams: MediaStream[]; hidden: Set<string> } }
}

/**
 * Before the page loads: every getUserMedia call's constraints and stream are noted, and the devices whose labels
 * are in `hidden` are left out of enumerateDevices (a device unplugged, as far as the page can tell).
 */
function watchMedia(): void {
  const seen = { asked: [] as MediaStreamConstraints[], streams: [] as MediaStream[], hidden: new Set<string>() };
  window.avTest = seen;
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (c) => {
    seen.asked.push(structuredClone(c ?? {}));
    const stream = await getUserMedia(c);
    seen.streams.push(stream);
    return stream;
  };
  const enumerate = media.enumerateDevices.bind(media);
  media.enumerateDevices = async () => (await enumerate()).filter((d) => !seen.hidden.has(d.label));
}

describe('Settings → Voice & video (preview host, fake devices)', { skip: existsSync(DIST) ? false : 'renderer not built (npm run build)' }, () => {
  let preview: Preview;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    mkdirSync(ALL_ARTIFACTS, { recursive: true });
    preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0 });
    browser = await chromium.launch({ executablePath: FULL_CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_DEVICES_ARGS] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(watchMedia);
    page = await context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(preview.url);
    await page.locator(room(DESIGN)).waitFor();
  });
  after(async () => {
    await browser?.close();
    await preview?.close();
  });

  const openTab = async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-tab-voice').click();
    await page.getByTestId('settings-panel-voice').waitFor();
  };
  const closeSettings = async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
  };
  const options = (testId: string) => page.getByTestId(testId).locator('option').allInnerTexts();
  const chosenText = (testId: string) => page.getByTestId(testId).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text ?? '');
  /** The ID the page has for the device named `label`. */
  const idOf = (label: string) => page.evaluate(async (l) => (await navigator.mediaDevices.enumerateDevices()).find((d) => d.label === l)?.deviceId ?? '', label);
  const asked = () => page.evaluate(() => window.avTest!.asked);
  const liveTracks = () => page.evaluate(() => window.avTest!.streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length);

  it('offers only the defaults before access, says a refusal, and lists every device by name once allowed', async () => {
    await openTab();
    await page.getByTestId('av-permission').waitFor();
    assert.deepEqual(await options('av-microphone'), ['Default microphone']);
    assert.deepEqual(await options('av-camera'), ['Default camera']);
    // Not granted yet: the browser refuses, and the tab says so in words.
    await page.getByTestId('av-allow').click();
    assert.match(await page.getByTestId('av-permission-error').innerText(), /may not use your microphone and camera/);
    await sizedShots(page, (theme, size) => `voice-video-${theme}-${size}-no-access.png`);

    await context.grantPermissions(['microphone', 'camera']);
    await page.getByTestId('av-allow').click();
    await page.getByTestId('av-permission').waitFor({ state: 'detached' });
    assert.deepEqual(await options('av-microphone'), ['Default microphone', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    assert.deepEqual(await options('av-camera'), ['Default camera', 'fake_device_0', 'fake_device_1']);
    assert.deepEqual(await options('av-speaker'), ['Default speaker', 'Fake Audio Output 1', 'Fake Audio Output 2']);
  });

  it('shows the chosen microphone\'s level and camera\'s picture while open, and lets them go when it closes', async () => {
    // The fake microphone beeps: the meter moves.
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="av-mic-level"]')?.dataset.level) > 0);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="av-camera-preview"]')?.videoWidth ?? 0) > 0);

    await page.getByTestId('av-microphone').selectOption({ label: 'Fake Audio Input 2' });
    await page.getByTestId('av-camera').selectOption({ label: 'fake_device_1' });
    await page.getByTestId('av-speaker').selectOption({ label: 'Fake Audio Output 1' });
    const previewTrack = () => page.getByTestId('av-camera-preview').evaluate((v: HTMLVideoElement) =>
      (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label ?? '');
    await serverSays('the preview shows the chosen camera', previewTrack, (l) => l === 'fake_device_1');
    const mic2 = await idOf('Fake Audio Input 2');
    const camera1 = await idOf('fake_device_1');
    const all = await asked();
    assert.ok(all.some((c) => JSON.stringify(c.audio) === JSON.stringify({ deviceId: { exact: mic2 } })), JSON.stringify(all));
    assert.ok(all.some((c) => JSON.stringify(c.video) === JSON.stringify({ deviceId: { exact: camera1 } })), JSON.stringify(all));
    // Only the chosen ones are held: the microphone and camera replaced were let go.
    await serverSays('one microphone and one camera open', liveTracks, (n) => n === 2);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="av-camera-preview"]')?.videoWidth ?? 0) > 0);

    await page.getByTestId('settings-panel-voice').evaluate((el) => { el.scrollTop = 0; });
    await sizedShots(page, (theme, size) => `voice-video-${theme}-${size}.png`);
    await closeSettings();
    await serverSays('every microphone and camera let go', liveTracks, (n) => n === 0);
  });

  it('keeps the choice on this device across a reload', async () => {
    await page.reload();
    await page.locator(room(DESIGN)).waitFor();
    await openTab();
    await serverSays('the chosen microphone', () => chosenText('av-microphone'), (t) => t === 'Fake Audio Input 2');
    assert.equal(await chosenText('av-camera'), 'fake_device_1');
    assert.equal(await chosenText('av-speaker'), 'Fake Audio Output 1');
    await page.getByTestId('av-call-sounds').uncheck();
    await closeSettings();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('lattice.media') ?? '{}').callSounds), false);
  });

  it('records a voice message and places a call with exactly the chosen devices', async () => {
    const mic2 = await idOf('Fake Audio Input 2');
    const camera1 = await idOf('fake_device_1');
    await page.locator(room(DESIGN)).click();
    const before = (await asked()).length;
    await page.getByTestId('voice-record').click();
    await page.getByTestId('voice-recording').waitFor();
    const recording = (await asked()).slice(before);
    assert.deepEqual(recording.map((c) => c.audio), [{ echoCancellation: true, noiseSuppression: true, deviceId: { exact: mic2 } }]);
    assert.equal(await page.evaluate(() => window.avTest!.streams.at(-1)!.getAudioTracks()[0].label), 'Fake Audio Input 2');
    assert.equal(await page.getByTestId('voice-notice').count(), 0);
    await page.getByTestId('voice-cancel').click();
    await page.getByTestId('voice-record').waitFor();

    await page.locator(room(DM)).click();
    const beforeCall = (await asked()).length;
    await page.getByTestId('start-video-call').click();
    await serverSays('the call asked for its devices', async () => (await asked()).slice(beforeCall), (c) => c.length > 0);
    assert.deepEqual((await asked()).slice(beforeCall), [{ audio: { deviceId: { exact: mic2 } }, video: { deviceId: { exact: camera1 } } }]);
    // The preview host sends no call events: the call ends there, and is closed.
    await page.locator('[data-testid="call-view"][data-phase="ended"]').waitFor();
    await page.getByTestId('call-close').click();
    await serverSays('the call\'s devices let go', liveTracks, (n) => n === 0);
  });

  it('falls back to the default with a note when the chosen microphone is gone, and the lists follow devicechange', async () => {
    await page.evaluate(() => {
      const prefs = JSON.parse(localStorage.getItem('lattice.media') ?? '{}') as Record<string, unknown>;
      localStorage.setItem('lattice.media', JSON.stringify({ ...prefs, audioinput: { id: 'unplugged-headset', label: 'USB Headset' } }));
    });
    await page.reload();
    await page.locator(room(DESIGN)).click();
    const before = (await asked()).length;
    await page.getByTestId('voice-record').click();
    await page.getByTestId('voice-recording').waitFor();
    // Asked exactly first (the browser cannot find it), then the default.
    assert.deepEqual((await asked()).slice(before).map((c) => c.audio), [
      { echoCancellation: true, noiseSuppression: true, deviceId: { exact: 'unplugged-headset' } },
      { echoCancellation: true, noiseSuppression: true },
    ]);
    assert.equal(await page.getByTestId('voice-notice').innerText(), '“USB Headset” is not connected: the default microphone is used.');
    await page.getByTestId('voice-cancel').click();
    await page.getByTestId('voice-notice').waitFor({ state: 'detached' });

    await openTab();
    await serverSays('the missing microphone marked', () => chosenText('av-microphone'), (t) => t === 'USB Headset (not connected)');
    await page.getByTestId('av-microphone-missing').waitFor();
    await page.getByTestId('settings-panel-voice').evaluate((el) => { el.scrollTop = 0; });
    await shot(page, path.join(ALL_ARTIFACTS, 'voice-video-light-1280x800-missing.png'));

    // A camera unplugged: the list drops it on the browser's devicechange.
    await page.evaluate(() => {
      window.avTest!.hidden.add('fake_device_0');
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    });
    await serverSays('the camera list follows', () => options('av-camera'), (o) => JSON.stringify(o) === JSON.stringify(['Default camera', 'fake_device_1']));
    await closeSettings();
    await page.evaluate(() => { localStorage.removeItem('lattice.media'); });
  });
});

