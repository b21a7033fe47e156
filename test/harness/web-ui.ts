/**
 * What every browser test against Synapse starts from: a homeserver, the web host serving the built renderer from a
 * private data folder, headless Chromium with one page, and the login form filled in as a person would. One place,
 * so each test file says only what its own scenario needs.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { runWebHost } from '../../src/main/host/web-main.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FULL_CHROMIUM_PATH } from './chromium.ts';
import { skipEncryptionStep } from './encryption-step.ts';
import { MatrixPeer } from './matrix-peer.ts';
import { shot, SHOTS } from './shots.ts';
import { startSynapse, type SynapseServer, type TestUser } from './synapse.ts';

/** Where browser tests keep their screenshots (looked at by people; no test reads them back). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

export type WebHost = Awaited<ReturnType<typeof runWebHost>>;

export interface WebUi {
  hs: SynapseServer;
  host: WebHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /**
   * Fills in the login form with the homeserver's address, submits it and skips the first-run encryption step
   * (test/e2e/security-ui.test.ts tests that step); the caller waits for what it expects.
   */
  signIn(user: TestUser, password: string, page?: Page): Promise<void>;
  stop(): Promise<void>;
}

export interface WebUiOptions {
  /** Passed to the browser context (viewport defaults to 1280×800). */
  context?: BrowserContextOptions;
  /** The full Chromium instead of its headless shell (chromium.ts): for desktop notifications and media devices. */
  fullChromium?: boolean;
  /** Extra Chromium switches (a fake microphone, say) beside the usual CHROMIUM_ARGS. */
  chromiumArgs?: string[];
  /** Extra environment for Chromium (a private D-Bus for notifications, say). */
  chromiumEnv?: Record<string, string>;
  /** Receives the web host's log lines (dropped by default). */
  hostLog?: (line: string) => void;
  /** An already running homeserver (made earlier so fixtures can be set up before the host starts). */
  hs?: SynapseServer;
}

/**
 * startWebUi, then `build` on it (a fixture's rooms, packs or space); a failed build stops what was started, since
 * the file's `after` never gets a fixture to stop.
 */
export async function startWebUiWith<T>(name: string, build: (ui: WebUi) => Promise<T>): Promise<T> {
  const ui = await startWebUi(name);
  try {
    return await build(ui);
  } catch (e) {
    await ui.stop();
    throw e;
  }
}

export async function startWebUi(name: string, opts: WebUiOptions = {}): Promise<WebUi> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const root = mkdtempSync(path.join(tmpdir(), `lattice-${name}-`));
  const started: (() => Promise<void> | void)[] = [() => rmSync(root, { recursive: true, force: true })];
  const stop = async () => {
    for (const undo of started.splice(0).reverse()) await undo();
  };
  try {
    // The homeserver, the web host and the browser start side by side: none needs another to start, and each start
    // is mostly a wait on one other process.
    const log = opts.hostLog ?? (() => undefined);
    const [hsStart, hostStart, browserStart] = await Promise.allSettled([
      opts.hs ? Promise.resolve(opts.hs) : startSynapse(),
      runWebHost(['--port', '0'], { LATTICE_ROOT: root }, { log, error: log }),
      chromium.launch({
        executablePath: opts.fullChromium ? FULL_CHROMIUM_PATH : CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(opts.chromiumArgs ?? [])],
        ...(opts.chromiumEnv ? { env: { ...process.env, ...opts.chromiumEnv } } : {}),
      }),
    ]);
    if (hsStart.status === 'fulfilled' && !opts.hs) started.push(() => hsStart.value.stop());
    if (hostStart.status === 'fulfilled') started.push(() => hostStart.value.stop());
    if (browserStart.status === 'fulfilled') started.push(() => browserStart.value.close());
    const hs = settled(hsStart);
    const host = settled(hostStart);
    const browser = settled(browserStart);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts.context });
    const page = await context.newPage();
    return ui(hs, host, browser, context, page, stop);
  } catch (e) {
    // Whatever did start is stopped, so a failed setup leaves no homeserver or browser running.
    await stop();
    throw e;
  }
}

/** A start-up's result, or its error thrown (once whatever did start is queued to stop). */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function ui(hs: SynapseServer, host: WebHost, browser: Browser, context: BrowserContext, page: Page, stop: () => Promise<void>): WebUi {
  return {
    hs, host, browser, context, page,
    async signIn(user, password, on = page) {
      await on.goto(host.loginUrl);
      await on.getByTestId('login-userid').fill(user.userId);
      // Typed after the user ID: an address typed by hand wins over the one discovery looks up from the ID.
      await on.getByTestId('login-homeserver').fill(hs.baseUrl);
      await on.getByTestId('login-password').fill(password);
      await on.getByTestId('login-submit').click();
      await skipEncryptionStep(on);
    },
    stop,
  };
}

/**
 * The cast of most room scenarios: Alice (who signs in to Lattice) and Bob (a peer over the Client-Server API) in a
 * room Bob made and Alice joined.
 */
export async function aliceAndBobRoom(hs: SynapseServer, roomName: string): Promise<{ alice: TestUser; bob: MatrixPeer; roomId: string }> {
  const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
  const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
  const roomId = await bob.createRoom({ name: roomName, invite: [alice.userId] });
  await new MatrixPeer(hs.baseUrl, alice).join(roomId);
  return { alice, bob, roomId };
}

/** The timeline row whose text contains `text`. */
export function messageWith(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
}

/**
 * Sends `text` from the room's composer, waits until it is sent, edits it with ↑ into `edited`, and returns the
 * edited row once it says "(edited)".
 */
export async function sendAndEditFromComposer(page: Page, text: string, edited: string): Promise<Locator> {
  const wait = { timeout: 30_000 };
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Enter');
  await messageWith(page, text).and(page.locator('[data-send-state="sent"]')).waitFor(wait);
  await composer.press('ArrowUp');
  await page.getByTestId('composer-mode').filter({ hasText: 'Editing' }).waitFor();
  await composer.fill(edited);
  await composer.press('Enter');
  const row = messageWith(page, edited);
  await row.getByTestId('message-edited').waitFor(wait);
  return row;
}

/**
 * One screenshot per theme of what the page shows now (`<prefix>-<theme>-<name>.png`), then back to light; only with
 * LATTICE_SHOTS=1 (see SHOTS).
 */
export async function themeShots(page: Page, prefix: string, name: string): Promise<void> {
  // No colour transitions: a screenshot right after the switch shows the finished colours. Set either way, so what
  // the test does next sees the same page whether or not the shots were taken.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  if (!SHOTS) return;
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
    await shot(page, path.join(ARTIFACTS, `${prefix}-${theme}-${name}.png`));
  }
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
}

/**
 * Polls `get` until `ok` holds for its answer (the UI acted; the server has it a moment later), about 30 s at most;
 * the failure shows the last answer.
 */
export async function serverSays<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await get();
    if (ok(v)) return v;
    if (i >= 120) throw new Error(`${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Screenshots of what the page shows now in both themes at 1280×800 and 800×600 (`file` names each; taken only with
 * LATTICE_SHOTS=1), with `check` run on each (a layout that must hold at every size) either way; back to light at
 * 1280×800 after. Without the shots and without a check there is nothing to do at any size.
 */
export async function sizedShots(page: Page, file: (theme: 'light' | 'dark', size: string) => string,
  check?: (label: string) => Promise<void>): Promise<void> {
  // No colour transitions: a screenshot right after the switch shows the finished colours. Set either way, so what
  // the test does next sees the same page whether or not the shots were taken.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  if (!SHOTS && !check) return;
  for (const [w, h] of [[1280, 800], [800, 600]] as const) {
    await page.setViewportSize({ width: w, height: h });
    // The page's answer to the resize (popovers placed again, in a frame of their own) before anything is measured:
    // under load it came after the check, which then found a picker still placed for the wider window.
    await page.waitForFunction((width) => window.innerWidth === width, w);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await shot(page, path.join(ARTIFACTS, file(theme, `${w}x${h}`)));
      await check?.(`${theme} ${w}x${h}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
}
