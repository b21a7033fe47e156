/**
 * Looks at the renderer the way a user would: drives Chromium through login, the room list, sending, history and
 * the banners against the preview backend, saves PNGs into `dir`, and sets a non-zero exit code if an expectation
 * along the way fails. The renderer must be built first (`node_modules/.bin/vite build`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ClientState, SyncStatus } from '../../../src/shared/rpc/types.ts';
import { GOOD_PASSWORD, ME, people, roomSpecs, SERVER } from './fake-data.ts';
import { startPreview } from './preview-server.ts';

export async function screenshots(dir: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  await mkdir(dir, { recursive: true });
  const preview = await startPreview(0, { loggedIn: false, authFail: false, paginateDelayMs: 250 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => { if (!ok) problems.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[page ${m.type()}] ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const shot = async (name: string): Promise<void> => {
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path });
      console.log(`saved ${path}`);
    };

    await page.goto(preview.url);
    await page.getByTestId('login-userid').waitFor();
    await shot('01-login');

    await page.getByTestId('login-userid').fill(ME);
    await page.getByTestId('login-password').focus(); // blur → discover_homeserver
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="login-homeserver"]')?.value !== '');
    check(await page.getByTestId('login-homeserver').inputValue() === `https://matrix.${SERVER}`, 'discovery fills the homeserver');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    check(/wrong user name or password/i.test(await page.getByTestId('login-error').innerText()), 'wrong password is said in words');
    await shot('02-login-error');

    await page.getByTestId('login-password').fill(GOOD_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('room-list').waitFor();
    await page.getByTestId('room-item').first().waitFor();
    check(await page.getByTestId('room-item').count() === roomSpecs.length, 'all rooms listed');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.avatar')].every((i) => i.complete));
    check(await avatarLoaded(page, '[data-room-id="!design:lattice.test"]'), 'room avatar shown as an image');
    check(await avatarLoaded(page, '[data-room-id="!dm-alice:lattice.test"]'), 'DM shows the partner\'s avatar');
    check(await avatarLoaded(page, '.sidebar-header'), 'own avatar in the sidebar header');
    check(await page.locator('[data-room-id="!books:example.org"] span.avatar').innerText() === 'BC', 'missing room avatar falls back to initials');
    check(await page.locator('[data-room-id="!hiking:lattice.test"] span.avatar').count() === 1, 'room without avatar keeps initials');
    check(preview.backend.mediaRequests.some((r) => r.mediaId === 'design' && r.thumbnail?.width === 40 && r.thumbnail.height === 40),
      'room list asks for a 40 px thumbnail at 1×');
    await shot('03-room-list');

    await page.locator('[data-testid="room-item"][data-room-id="!design:lattice.test"]').click();
    await page.getByTestId('message').first().waitFor();
    await page.waitForTimeout(400);
    check(await page.getByTestId('room-header').innerText().then((t) => t.includes('Design Team')), 'header shows the room name');
    check(await page.locator('.message-sender', { hasText: 'Alice Chen' }).count() > 0, 'display names from member state');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.avatar')].every((i) => i.complete));
    check(await avatarLoaded(page, '[data-testid="message"]:has([data-testid="sender-name"]:text-is("Alice Chen"))'), 'sender avatar from m.room.member');
    check(await page.locator('[data-testid="message"]:has([data-testid="sender-name"]:text-is("frank")) span.avatar').count() > 0,
      'sender without avatar keeps initials');
    check(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')) === 'composer', 'composer focused on open');
    await page.waitForTimeout(300);
    const badge = await page.locator('[data-room-id="!design:lattice.test"] [data-testid="room-unread"]').count();
    check(badge === 0, 'opening the room clears its unread badge');

    await page.getByTestId('composer').fill('Shipping the **outline** illustrations today');
    await page.getByTestId('composer').press('Enter');
    check(await page.getByTestId('composer').inputValue() === '', 'composer cleared after send');
    await page.locator('[data-testid="message"][data-send-state="pending"]').first().waitFor();
    preview.backend.setTyping('!design:lattice.test', [people.alice.id]);
    await shot('04-room-pending');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"][data-send-state="pending"]').length === 0);
    check(await atBottom(page), 'stays at the bottom after sending');

    await page.getByTestId('composer').fill('this one will fail');
    await page.getByTestId('composer').press('Enter');
    await page.getByTestId('send-error').waitFor();
    preview.backend.setTyping('!design:lattice.test', []);
    await page.waitForTimeout(200);
    await shot('05-room');

    // History: open the long room, scroll to the top and check the view does not jump when older rows arrive.
    await page.locator('[data-testid="room-item"][data-room-id="!dev:lattice.test"]').click();
    await page.getByTestId('message').first().waitFor();
    await page.waitForTimeout(600);
    const timeline = page.getByTestId('timeline');
    check(await atBottom(page), 'opens scrolled to the bottom');
    for (let i = 0; i < 3; i++) {
      await timeline.evaluate((el) => { el.scrollTop = 0; });
      // The timeline is virtualized: let it render the rows of the new position before reading them.
      await page.evaluate(() => new Promise((r) => { requestAnimationFrame(() => requestAnimationFrame(r)); }));
      const beforeTop = await firstVisible(page);
      await page.getByTestId('timeline-loading').waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      await page.waitForFunction(() => !document.querySelector('[data-testid="timeline-loading"]'));
      await page.waitForTimeout(100);
      if (beforeTop) {
        const after = await topOf(page, beforeTop.rowid);
        check(after !== null && Math.abs(beforeTop.top - after) <= 2,
          `anchored while prepending (page ${i + 1}: row ${beforeTop.rowid} at ${beforeTop.top}px → ${after}px)`);
      }
    }
    check(await page.getByTestId('jump-to-latest').isVisible(), 'offers a jump to the latest message when scrolled up');
    await shot('06-history');
    await page.getByTestId('jump-to-latest').click();
    await page.waitForTimeout(800);
    check(await atBottom(page), 'jump to latest scrolls to the bottom');
    preview.backend.receiveMessage('!dev:lattice.test', people.erin.id, 'New message while you are at the bottom');
    await page.waitForTimeout(300);
    check(await atBottom(page), 'stays at the bottom when a message arrives');

    preview.backend.broadcast('sync_status', { type: 'erroring', error: 'homeserver returned 502 Bad Gateway', error_count: 3 } satisfies SyncStatus);
    preview.backend.broadcast('client_state', { ...preview.backend.clientState, secret_storage_warning: 'They are kept in a 0600 file at ~/.local/share/lattice/secrets.json because no keychain was found (--insecure-secrets-file).' } satisfies ClientState);
    await page.getByTestId('sync-status').waitFor();
    await page.locator('[data-testid="room-item"][data-room-id="!design:lattice.test"]').click();
    await page.waitForTimeout(400);
    await shot('07-banners');

    await page.emulateMedia({ colorScheme: 'dark' });
    preview.backend.broadcast('sync_status', { type: 'ok', error_count: 0 } satisfies SyncStatus);
    preview.backend.broadcast('client_state', preview.backend.clientState);
    await page.waitForTimeout(300);
    await shot('08-dark-room');

    // A high-density screen asks for sharper thumbnails; the close-up is for judging the circle crop.
    const hidpi = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 2 });
    const before = preview.backend.mediaRequests.length;
    await hidpi.goto(`${preview.url}#/room/${encodeURIComponent('!design:lattice.test')}`);
    await hidpi.getByTestId('message').first().waitFor();
    await hidpi.waitForTimeout(600);
    const later = preview.backend.mediaRequests.slice(before);
    check(later.some((r) => r.mediaId === 'alice' && r.thumbnail?.width === 72), 'timeline asks for 72 px (36 px at 2×)');
    check(later.some((r) => r.mediaId === 'design' && r.thumbnail?.width === 80), 'room list asks for 80 px (40 px at 2×)');
    await hidpi.locator('.sidebar').screenshot({ path: join(dir, '08b-hidpi-sidebar.png') });
    await hidpi.getByTestId('timeline').screenshot({ path: join(dir, '08c-hidpi-timeline.png') });
    console.log(`saved ${join(dir, '08b-hidpi-sidebar.png')}, ${join(dir, '08c-hidpi-timeline.png')}`);
    await hidpi.close();

    const login = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    preview.backend.clientState = { is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false }, secret_storage_error: 'No OS keychain is available (The name org.freedesktop.secrets was not provided by any .service files). Start a Secret Service such as GNOME Keyring, or run with --insecure-secrets-file.' };
    await login.goto(preview.url);
    await login.getByTestId('login-userid').waitFor();
    await login.screenshot({ path: join(dir, '09-dark-login-storage-error.png') });
    console.log(`saved ${join(dir, '09-dark-login-storage-error.png')}`);

    const auth = await startPreview(0, { loggedIn: true, authFail: true, paginateDelayMs: 0 });
    const p3 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await p3.goto(auth.url);
    await p3.getByTestId('connection-status').waitFor();
    check(/open the login link/.test(await p3.getByTestId('connection-status').innerText()), '401 says how to sign in to the web host');
    await p3.screenshot({ path: join(dir, '10-web-not-authenticated.png') });
    await auth.close();
  } finally {
    await browser.close();
    await preview.close();
  }
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  }
}

/** The avatar inside `scope` is an image that decoded (not the initials, not a broken image). */
async function avatarLoaded(page: Page, scope: string): Promise<boolean> {
  const img = page.locator(`${scope} img.avatar`).first();
  if (await img.count() === 0) return false;
  return img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);
}

async function atBottom(page: Page): Promise<boolean> {
  return page.getByTestId('timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 4);
}

/** The first message row at least partly visible, and its offset from the scroller's top. */
async function firstVisible(page: Page): Promise<{ rowid: string; top: number } | null> {
  return page.getByTestId('timeline').evaluate((el) => {
    const box = el.getBoundingClientRect();
    for (const m of el.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      const r = m.getBoundingClientRect();
      if (r.bottom > box.top + 1) return { rowid: m.dataset.rowid ?? '', top: Math.round(r.top - box.top) };
    }
    return null;
  });
}

async function topOf(page: Page, rowid: string): Promise<number | null> {
  return page.getByTestId('timeline').evaluate((el, id) => {
    const m = el.querySelector<HTMLElement>(`[data-testid="message"][data-rowid="${id}"]`);
    return m ? Math.round(m.getBoundingClientRect().top - el.getBoundingClientRect().top) : null;
  }, rowid);
}
