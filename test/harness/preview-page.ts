/**
 * What the chat UI's browser tests against the preview host start from (chat-ui, chat-members-ui, chat-settings-ui and
 * chat-text-size-ui in test/e2e/): the preview host (made-up data through the real dispatcher; see
 * test/harness/preview/), the full Chromium, and one page at 1280×800 with the app loaded and no room open. One place,
 * so each file starts from the same page whichever of them runs first, or alone.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, FULL_CHROMIUM_PATH } from './chromium.ts';
import { startPreview, type Preview } from './preview/preview-server.ts';

/** Where these files keep their screenshots (with LATTICE_SHOTS=1; looked at by people, no test reads them back). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/ui');
const DIST = path.resolve(import.meta.dirname, '../../dist/renderer/index.html');
/** The describe's `skip`: the preview serves the built renderer, so without a build there is nothing to test. */
export const SKIP_UNBUILT: false | string = existsSync(DIST) ? false : 'renderer not built (npm run build)';

// The made-up rooms the tests open (fake-data.ts's roomSpecs).
export const DESIGN = '!design:lattice.test';
export const HIKING = '!hiking:lattice.test';

/** The room list's row of the room `id`. */
export const room = (id: string): string => `[data-testid="room-item"][data-room-id="${id}"]`;

export interface PreviewPage {
  preview: Preview;
  browser: Browser;
  /** At 1280×800, the app loaded, its room list shown and no room open. */
  page: Page;
  stop(): Promise<void>;
}

export interface PreviewPageOptions {
  /** Made-up members added to Matrix HQ (beside its four): only the member list's tests need them. */
  crowd?: number;
}

export async function startPreviewPage(opts: PreviewPageOptions = {}): Promise<PreviewPage> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0, crowd: opts.crowd });
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    await preview.close();
  };
  try {
    // The full browser: the notification banner (measured at 480 px, and above the timeline of the main screens)
    // shows only where permission can be asked.
    browser = await chromium.launch({ executablePath: FULL_CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(preview.url);
    await page.locator(room(DESIGN)).waitFor();
    return { preview, browser, page, stop };
  } catch (e) {
    // A failed start leaves no server or browser running.
    await stop();
    throw e;
  }
}
