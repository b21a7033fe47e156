/**
 * The desktop app's screen picker (src/renderer/ui/calls/ScreenPicker.tsx) in Chromium against the preview host.
 * The page gets a stand-in desktop bridge before it loads: its envelopes go to the preview backend over the
 * websocket (so the app runs as usual), and the test plays the shell's part of screen sharing: it sends a pick
 * (screens and windows with pictures drawn in the page) and reads the answers the page sends back. Choosing a
 * window with the keyboard, cancelling with Esc and with Cancel, and choosing with the mouse; screenshots of both
 * tabs in both themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ScreenChoice, ScreenPick, ScreenSource } from '../../src/shared/screen-pick.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { startPreview, type Preview } from '../harness/preview/preview-server.ts';
import { ARTIFACTS, sizedShots } from '../harness/web-ui.ts';

const DIST = path.resolve(import.meta.dirname, '../../dist/renderer/index.html');

declare global {
  interface Window { pickerTest?: { choices: ScreenChoice[]; listening(): number; pick(p: ScreenPick): void } }
}

/** Runs in the page before it loads: `window.lattice` as the preload gives it, the backend behind a websocket. */
function installFakeBridge(): void {
  const queued: string[] = [];
  const listeners = new Set<(env: unknown) => void>();
  const pickListeners = new Set<(p: ScreenPick) => void>();
  const choices: ScreenChoice[] = [];
  // Opened when the page first talks or listens, as the shell opens a page's connection (the greeting waits for it).
  let ws: WebSocket | null = null;
  const open = (): WebSocket => {
    if (ws) return ws;
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/_gomuks/websocket`);
    socket.onopen = () => { for (const text of queued.splice(0)) socket.send(text); };
    socket.onmessage = (e: MessageEvent<string>) => {
      const env: unknown = JSON.parse(e.data);
      for (const l of listeners) l(env);
    };
    return (ws = socket);
  };
  (window as unknown as { lattice: unknown }).lattice = Object.freeze({
    send(env: unknown) {
      const text = JSON.stringify(env);
      const socket = open();
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else queued.push(text);
    },
    onMessage(l: (env: unknown) => void) { listeners.add(l); open(); return () => { listeners.delete(l); }; },
    onScreenPick(l: (p: ScreenPick) => void) { pickListeners.add(l); return () => { pickListeners.delete(l); }; },
    chooseScreen(pick_id: number, source_id: string | null) { choices.push({ pick_id, source_id }); },
  });
  window.pickerTest = { choices, listening: () => pickListeners.size, pick: (p) => { for (const l of pickListeners) l(p); } };
}

/** Runs in the page: pictures of made-up screens and windows, as desktopCapturer's thumbnails would be. */
function drawSources(): ScreenSource[] {
  const picture = (bg: string, bar: string, lines: number): string => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 180;
    const g = c.getContext('2d')!;
    g.fillStyle = bg;
    g.fillRect(0, 0, 320, 180);
    g.fillStyle = bar;
    g.fillRect(0, 0, 320, 18);
    for (let i = 0; i < lines; i++) g.fillRect(20, 34 + i * 16, 120 + ((i * 53) % 160), 8);
    return c.toDataURL('image/png');
  };
  const icon = (colour: string): string => {
    const c = document.createElement('canvas');
    c.width = c.height = 32;
    const g = c.getContext('2d')!;
    g.fillStyle = colour;
    g.beginPath();
    g.arc(16, 16, 14, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/png');
  };
  return [
    { id: 'screen:2:0', name: 'Screen 1', kind: 'screen', thumbnail: picture('#2b5d8a', '#1b3550', 4) },
    { id: 'screen:1:0', name: 'Screen 2', kind: 'screen', thumbnail: picture('#6b4a8a', '#3d2950', 2) },
    { id: 'window:11:0', name: 'Notes — quarterly plan.txt', kind: 'window', thumbnail: picture('#f4f1e8', '#c9c2ad', 7), icon: icon('#e0a030') },
    { id: 'window:12:0', name: 'Terminal', kind: 'window', thumbnail: picture('#1e1e1e', '#3a3a3a', 5), icon: icon('#40b060') },
    { id: 'window:13:0', name: 'Minimized window', kind: 'window', thumbnail: '' },
    {
      id: 'window:14:0', name: 'A browser window whose page title is far too long to fit under its picture — Example Browser',
      kind: 'window', thumbnail: picture('#ffffff', '#d0d4dc', 6), icon: icon('#3070e0'),
    },
  ];
}

describe('the desktop screen picker (preview host, a stand-in bridge)', { skip: existsSync(DIST) ? false : 'renderer not built (npm run build)' }, () => {
  let preview: Preview;
  let browser: Browser;
  let page: Page;
  let lastPick = 0;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(installFakeBridge);
    page = await context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(preview.url);
    await page.getByTestId('room-item').first().waitFor();
    await page.waitForFunction(() => (window.pickerTest?.listening() ?? 0) > 0);
  });
  after(async () => {
    await browser?.close();
    await preview?.close();
  });

  /** Sends a pick as the shell does; returns its id once the dialog shows. */
  async function offer(): Promise<number> {
    const pickId = ++lastPick;
    const sources = await page.evaluate(drawSources);
    await page.evaluate((p) => window.pickerTest!.pick(p), { pick_id: pickId, sources });
    await page.getByTestId('screen-picker').waitFor();
    return pickId;
  }
  const choices = () => page.evaluate(() => window.pickerTest!.choices);
  const tiles = () => page.getByTestId('screen-picker-source');
  const checked = () => page.locator('[data-testid="screen-picker-source"][aria-checked="true"]').getAttribute('data-source-id');
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-source-id') ?? document.activeElement?.getAttribute('data-testid') ?? null);

  it('shows the screens with the primary one chosen, and chooses a window with the keyboard', async () => {
    const pickId = await offer();
    assert.deepEqual(await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), ['Screen 1', 'Screen 2']);
    assert.equal(await checked(), 'screen:2:0');
    assert.equal(await focused(), 'screen:2:0', 'the focus starts on the chosen picture');
    assert.equal(await page.getByTestId('screen-picker-tab-screen').getAttribute('aria-selected'), 'true');
    await sizedShots(page, (theme, size) => `screen-picker-${theme}-${size}-screens.png`);

    // Shift+Tab to the tabs, → to Windows: nothing in sight is chosen, so Share waits.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'screen-picker-tab-screen');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'screen-picker-tab-window');
    assert.equal(await page.getByTestId('screen-picker-tab-window').getAttribute('aria-selected'), 'true');
    assert.deepEqual(await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-source-id'))),
      ['window:11:0', 'window:12:0', 'window:13:0', 'window:14:0']);
    assert.equal(await page.getByTestId('dialog-submit').isDisabled(), true);
    assert.equal(await page.getByTestId('screen-picker').getByText('No preview').count(), 1, 'a window without a picture says so');

    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'window:11:0');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'window:12:0');
    assert.equal(await checked(), 'window:12:0', 'arrows choose as they move');
    assert.equal(await page.getByTestId('dialog-submit').isDisabled(), false);
    await sizedShots(page, (theme, size) => `screen-picker-${theme}-${size}-windows.png`);
    // The long title is cut to the tile, not spilling over the next one.
    const overflow = await page.locator('[data-source-id="window:14:0"] .screen-picker-name-text')
      .evaluate((el) => el.scrollWidth > el.clientWidth && el.getBoundingClientRect().right <= el.closest('button')!.getBoundingClientRect().right);
    assert.equal(overflow, true);

    assert.deepEqual(await choices(), [], 'nothing is answered before Share');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-picker').waitFor({ state: 'detached' });
    assert.deepEqual(await choices(), [{ pick_id: pickId, source_id: 'window:12:0' }]);
  });

  it('cancels with Esc and with Cancel, answering with nothing', async () => {
    const escaped = await offer();
    await page.keyboard.press('Escape');
    await page.getByTestId('screen-picker').waitFor({ state: 'detached' });
    const cancelled = await offer();
    await page.getByTestId('screen-picker').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('screen-picker').waitFor({ state: 'detached' });
    assert.deepEqual((await choices()).slice(1), [{ pick_id: escaped, source_id: null }, { pick_id: cancelled, source_id: null }]);
  });

  it('chooses with the mouse: a click picks a window, Share shares it', async () => {
    const pickId = await offer();
    await page.getByTestId('screen-picker-tab-window').click();
    await page.locator('[data-source-id="window:14:0"]').click();
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('screen-picker').waitFor({ state: 'detached' });
    assert.deepEqual((await choices()).at(-1), { pick_id: pickId, source_id: 'window:14:0' });
    assert.equal((await choices()).length, 4, 'one answer per pick');
  });
});
