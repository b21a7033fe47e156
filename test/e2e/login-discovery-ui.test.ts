/**
 * The sign-in screen when homeserver discovery answers out of order, in Chromium against the preview host: leaving
 * the user ID field starts a discovery and signing in starts another for the same ID; when the first fails after the
 * second, its words must not show a second time (as the field's hint) beside the error box's.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';
import { startPreview, type Preview } from '../harness/preview/preview-server.ts';

const DIST = path.resolve(import.meta.dirname, '../../dist/renderer/index.html');

describe('sign-in with discoveries answering out of order (preview host)', { skip: existsSync(DIST) ? false : 'renderer not built (npm run build)' }, () => {
  let preview: Preview;
  let browser: Browser;
  let page: Page;

  before(async () => {
    // The first discovery (on leaving the user ID field) answers after the second (on signing in).
    preview = await startPreview(0, { loggedIn: false, authFail: false, paginateDelayMs: 0, discoveryDelaysMs: [1_500, 100] });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(preview.url);
  });
  after(async () => {
    await browser?.close();
    await preview?.close();
  });

  it('says a failed discovery once, in the error box, whichever answer comes last', async () => {
    await page.getByTestId('login-userid').fill('@zed:doesnotexist.invalid');
    await page.getByTestId('login-password').fill('x'); // the user ID field left: the first discovery
    await page.getByTestId('login-submit').click(); // the second
    await page.getByTestId('login-error').filter({ hasText: /Couldn't find the homeserver for doesnotexist\.invalid/ }).waitFor({ timeout: 30_000 });
    // Until well after the first discovery has failed too.
    await page.waitForTimeout(2_000);
    assert.equal(await page.getByText(/Couldn't find the homeserver/).count(), 1);
    assert.equal(await page.getByTestId('login-homeserver-hint').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'login-homeserver');
  });
});
