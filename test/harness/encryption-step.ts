/**
 * For browser tests about something else: after a fresh login the app shows the first-run encryption step (set up
 * secure backup, or verify this session) until the user decides; this skips it knowingly, as a user in a hurry would,
 * and dismisses the reminder banner that follows, so those tests' layouts and screenshots are their own screens.
 * The security flows themselves are tested in test/e2e/security-ui.test.ts.
 */
import type { Page } from 'playwright-core';

export async function skipEncryptionStep(page: Page): Promise<void> {
  try {
    await page.getByTestId('encryption-skip').click({ timeout: 30_000 });
  } catch (e) {
    // Rare under load (two browser files at once on a busy machine): say what the page showed instead of the step,
    // so a failure in CI tells whether the check was still running, failed in words, or the login never went.
    const shown = await page.evaluate(() => document.body.innerText).catch(() => '(the page could not be read)');
    throw new Error(`the first-run encryption step did not show; the page said:\n${shown.slice(0, 1500)}`, { cause: e });
  }
  await page.getByTestId('skip-confirm-button').click();
  await page.getByTestId('encryption-reminder-dismiss').click({ timeout: 30_000 });
}
