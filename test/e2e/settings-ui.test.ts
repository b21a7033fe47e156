/**
 * The Settings screen as a person uses it, in Chromium against Synapse through the web host: the tab list by
 * keyboard, changing the display name and avatar (and removing it), a new sign-in appearing in the open Sessions
 * tab, renaming a session and signing out another
 * one (a second login of the same account, made through the homeserver API; the password asked only once Synapse
 * wants it, a wrong one first), keeping the keyboard in the screen when a focused button turns busy, and
 * the notification levels (Off / On / Noisy, as Element writes them) and their effect on a real notification, a
 * keyword added, turned off and removed, notifications off, and the browser permission followed while the tab is
 * open. Each change is checked on the homeserver. Screenshots of every tab in both themes at 1280×800 and 800×600,
 * and in light at 560×720, go to test-artifacts/ (with LATTICE_SHOTS=1), with the close button checked to be clear of the scrolled panel.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { NotificationDaemon } from '../harness/notification-daemon.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const TABS = ['profile', 'sessions', 'notifications', 'security', 'voice', 'appearance', 'emoji', 'keyboard'] as const;
const enc = encodeURIComponent;

describe('settings screen against Synapse', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let alice: TestUser;
  let aliceApi: MatrixPeer;
  let roomId: string;
  let groupRoom: string;
  let bob: MatrixPeer;
  let daemon: NotificationDaemon;
  let page: Page;

  /** Another sign-in of Alice's account, as a phone would make it. */
  async function secondLogin(name: string): Promise<string> {
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'alice-password', initial_device_display_name: name }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { device_id: string }).device_id;
  }
  const devicesOnServer = async () =>
    (await aliceApi.request('GET', '/_matrix/client/v3/devices')).devices as { device_id: string; display_name?: string }[];
  const tab = (id: (typeof TABS)[number]) => page.getByTestId(`settings-tab-${id}`);
  /**
   * The close button sits in the header, in sight, above the panel that scrolls: nothing the panel shows can be
   * under it, and the dialog itself never scrolls the header away.
   */
  async function closeClear(label: string): Promise<void> {
    const close = (await page.getByTestId('settings-close').boundingBox())!;
    const dialog = (await page.getByTestId('settings').boundingBox())!;
    const panel = (await page.locator('[role="tabpanel"]').boundingBox())!;
    assert.ok(close.y >= dialog.y && close.y + close.height <= dialog.y + dialog.height, `${label}: the close button is in sight`);
    assert.equal(await page.getByTestId('settings').evaluate((el) => el.scrollTop), 0, `${label}: the dialog is not scrolled`);
    assert.ok(close.y + close.height <= panel.y + 0.5 || close.x >= panel.x + panel.width - 0.5,
      `${label}: the close button (${JSON.stringify(close)}) is clear of the panel (${JSON.stringify(panel)})`);
  }
  const session = (deviceId: string) => page.locator(`[data-testid="session"][data-device-id="${deviceId}"]`);

  before(async () => {
    // Chromium's notifications go to a daemon on a private D-Bus, so the daemon starts first.
    daemon = await NotificationDaemon.start();
    ui = await startWebUi('settings', { fullChromium: true, chromiumEnv: { DBUS_SESSION_BUS_ADDRESS: daemon.address } });
    ({ hs, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    aliceApi = new MatrixPeer(hs.baseUrl, alice);
    roomId = await aliceApi.createRoom({ name: 'Settings E2E' });
    // A group chat (three members, so the one-to-one rules do not apply) where Bob writes.
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    const carol = new MatrixPeer(hs.baseUrl, await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' }));
    groupRoom = await bob.createRoom({ name: 'Trio', invite: [alice.userId, carol.userId] });
    await aliceApi.join(groupRoom);
    await carol.join(groupRoom);
  });
  after(async () => {
    await ui?.stop();
    daemon?.stop();
  });

  it('logs in and opens the settings, whose tabs move with the arrow keys', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    assert.equal(await tab('profile').getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'settings-tab-profile', 'the selected tab has the focus');
    await page.keyboard.press('ArrowDown');
    assert.equal(await tab('sessions').getAttribute('aria-selected'), 'true');
    await page.getByTestId('settings-panel-sessions').waitFor();
    await page.keyboard.press('End');
    assert.equal(await tab('keyboard').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await tab('profile').getAttribute('aria-selected'), 'true', 'wraps around');
    assert.equal(await page.getByRole('tab').count(), TABS.length);
  });

  it('changes the display name and the avatar', async () => {
    await page.getByTestId('profile-userid').filter({ hasText: alice.userId }).waitFor();
    const name = page.getByTestId('profile-displayname');
    await name.fill('   ');
    await page.getByTestId('profile-displayname-save').click();
    await page.getByTestId('profile-error').filter({ hasText: 'cannot be empty' }).waitFor();
    await name.fill('Alice Settings');
    await page.getByTestId('profile-displayname-save').click();
    await page.getByTestId('profile-saved').waitFor({ timeout: 30_000 });
    assert.equal((await aliceApi.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).displayname, 'Alice Settings');

    const png = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#3a8f6b' } }).png().toBuffer();
    await page.getByTestId('profile-avatar-file').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('profile-avatar-remove').waitFor({ timeout: 30_000 });
    const profile = await aliceApi.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`);
    assert.match(String(profile.avatar_url), /^mxc:\/\//);
    await page.locator('.settings-avatar-column img.avatar').waitFor({ timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'settings-profile-avatar.png'));
    await page.getByTestId('profile-avatar-remove').click();
    await page.getByTestId('profile-avatar-remove').waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(!(await aliceApi.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).avatar_url, 'the avatar is removed');
    await page.getByTestId('profile-avatar-file').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('profile-avatar-remove').waitFor({ timeout: 30_000 });

    await page.getByTestId('profile-avatar-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
    await page.getByTestId('profile-error').filter({ hasText: 'is not an image' }).waitFor();
  });

  it('keeps the keyboard in the dialog when the button pressed by keyboard turns busy', async () => {
    const save = page.getByTestId('profile-displayname-save');
    await page.getByTestId('profile-displayname').fill('Alice Keys');
    // Whether the button was ever disabled: the busy state that, while it had the focus, dropped it to the page.
    await save.evaluate((b: HTMLButtonElement) => {
      const seen = { disabled: false };
      (window as unknown as { saveDisabled: typeof seen }).saveDisabled = seen;
      new MutationObserver(() => { if (b.disabled) seen.disabled = true; }).observe(b, { attributes: true, attributeFilter: ['disabled'] });
    });
    await save.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('profile-saved').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { saveDisabled: { disabled: boolean } }).saveDisabled.disabled), true,
      'the focused button was disabled while busy');
    assert.equal(await save.isDisabled(), true, 'and stays disabled: the name is saved');
    const focusInSettings = () => page.evaluate(() => document.querySelector('[data-testid="settings"]')?.contains(document.activeElement) === true);
    await page.waitForFunction(() => document.querySelector('[data-testid="settings"]')?.contains(document.activeElement), undefined, { timeout: 30_000 });
    await page.keyboard.press('Tab');
    assert.equal(await focusInSettings(), true, 'Tab moves within the settings');
    assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY');
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
    assert.equal((await aliceApi.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).displayname, 'Alice Keys');
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
  });

  it('renames a session, and signs another out after a wrong password is refused', async () => {
    const phone = await secondLogin('Phone');
    await tab('sessions').click();
    await session(phone).waitFor({ timeout: 30_000 });
    const ours = (await page.locator('[data-testid="session"]').first().getAttribute('data-device-id'))!;
    assert.notEqual(ours, phone, 'this session is listed first');
    assert.equal(await session(ours).getByTestId('session-sign-out').count(), 0, 'this session cannot sign itself out here');
    // A sign-in elsewhere while the tab is open shows up without reopening it (the backend hears of it in /sync).
    const tablet = await secondLogin('Tablet');
    await session(tablet).waitFor({ timeout: 30_000 });

    await session(phone).getByTestId('session-rename').click();
    await session(phone).getByTestId('session-rename-input').fill('Old phone');
    await session(phone).getByTestId('session-rename-input').press('Enter');
    await session(phone).getByTestId('session-name').filter({ hasText: 'Old phone' }).waitFor({ timeout: 30_000 });
    assert.equal((await devicesOnServer()).find((d) => d.device_id === phone)?.display_name, 'Old phone');

    // Esc closes the confirmation only; the settings stay open.
    await session(phone).getByTestId('session-sign-out').click();
    const dialog = page.getByTestId('sign-out-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('sign-out-password').count(), 0, 'no password asked before the homeserver wants it');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('settings').count(), 1);
    // Synapse wants the password (by default): the dialog asks for it once the server has said so.
    await session(phone).getByTestId('session-sign-out').click();
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('sign-out-password').waitFor({ timeout: 30_000 });
    assert.ok((await devicesOnServer()).some((d) => d.device_id === phone), 'nothing signed out without the password');
    await dialog.getByTestId('sign-out-password').fill('not-the-password');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('dialog-error').filter({ hasText: 'refused the password' }).waitFor({ timeout: 30_000 });
    assert.ok((await devicesOnServer()).some((d) => d.device_id === phone), 'nothing signed out with a wrong password');
    await shot(page, path.join(ARTIFACTS, 'settings-sign-out-dialog.png'));

    await dialog.getByTestId('sign-out-password').fill('alice-password');
    await dialog.getByTestId('dialog-submit').click();
    await session(phone).waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(!(await devicesOnServer()).some((d) => d.device_id === phone), 'the phone is signed out on the server');
    assert.ok((await devicesOnServer()).some((d) => d.device_id === ours), 'this session stays');
    await page.getByTestId('settings').waitFor();
    // Its row, and the button that opened the confirmation, are gone: the focus stays in the list, on its heading.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'other-sessions-heading',
      undefined, { timeout: 30_000 });
    await shot(page, path.join(ARTIFACTS, 'settings-signed-out-focus.png'));
  });

  it('follows the browser\'s notification permission while the tab is open', async () => {
    await tab('notifications').click();
    const permission = page.getByTestId('notify-permission');
    await permission.waitFor();
    assert.equal(await permission.getAttribute('data-state'), 'default');
    // Allowed from outside the page (as from the site settings), with the tab open: the line follows.
    await ui.context.grantPermissions(['notifications'], { origin: new URL(page.url()).origin });
    await page.waitForFunction(() => document.querySelector('[data-testid="notify-permission"]')?.getAttribute('data-state') === 'granted',
      undefined, { timeout: 10_000 });
    assert.equal(await page.getByTestId('notify-permission-ask').count(), 0, 'no button to ask for what is granted');
  });

  /** Waits for a radio of the level grid to be checked and enabled again (the edit has come back from the server). */
  async function level(row: string, value: 'off' | 'on' | 'noisy'): Promise<void> {
    // A click, not check(): the radio is controlled by the push rules, so it turns checked once the server answers.
    await page.getByTestId(`notify-${row}-${value}`).click();
    await page.waitForFunction((id) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`);
      return input?.checked === true && !input.disabled;
    }, `notify-${row}-${value}`, { timeout: 30_000 });
  }
  const rule = (kind: string, id: string) => aliceApi.request('GET', `/_matrix/client/v3/pushrules/global/${kind}/${enc(id)}`);

  it('Off / On / Noisy as Element writes them: group chats Off stay quiet, mentions Off keep their rules enabled, On notifies without a sound', async () => {
    await page.waitForFunction(() => !document.querySelector<HTMLInputElement>('[data-testid="notify-group-off"]')?.disabled,
      undefined, { timeout: 30_000 });
    assert.equal(await page.getByTestId('notify-group-on').isChecked(), true, 'the spec default for group chats: On');
    assert.equal(await page.getByTestId('notify-display_name-noisy').isChecked(), true, 'and for mentions: Noisy');
    await level('group', 'off');
    const message = await rule('underride', '.m.rule.message');
    assert.deepEqual([message.enabled, message.actions], [true, ['dont_notify']], 'group messages no longer notify');
    assert.equal(await page.getByTestId('notify-dm-noisy').isChecked(), true, 'one-to-one chats keep their own level');

    // Mentions Off: dont_notify on enabled rules (the intentional-mention rule follows the display name's row).
    await level('display_name', 'off');
    for (const id of ['.m.rule.contains_display_name', '.m.rule.is_user_mention']) {
      const r = await rule('override', id);
      assert.deepEqual([r.enabled, r.actions], [true, ['dont_notify']], `${id} stays enabled and does not notify`);
    }
    await level('display_name', 'on');
    const mention = await rule('override', '.m.rule.is_user_mention');
    assert.deepEqual([mention.enabled, mention.actions], [true, ['notify', { set_tweak: 'highlight', value: false }]]);

    // The plain message comes first in the room, so once the mention has notified, the plain one had its turn.
    await bob.sendText(groupRoom, 'plain group chatter');
    await bob.sendEvent(groupRoom, 'm.room.message', {
      msgtype: 'm.text', body: 'Alice Settings: a question for you', 'm.mentions': { user_ids: [alice.userId] },
    });
    const n = await daemon.waitForNotify((c) => c.body.includes('a question for you'));
    assert.equal(n.summary, 'Bob in Trio');
    assert.equal(n.hints['suppress-sound'], true, 'On has no sound: a silent notification');
    const bodies = (await daemon.calls()).notify.map((c) => c.body);
    assert.ok(!bodies.some((b) => b.includes('plain group chatter')), `the plain message did not notify: ${JSON.stringify(bodies)}`);

    // Bots On: suppress_notices disabled, as Element's inverted row.
    await level('bots', 'on');
    assert.equal((await rule('override', '.m.rule.suppress_notices')).enabled, false);

    // Scrolled down, at both themes and sizes: the × stays in the header, over no switch.
    await page.getByTestId('notify-section-other').scrollIntoViewIfNeeded();
    await sizedShots(page, (theme, size) => `settings-notifications-levels-${theme}-${size}.png`, closeClear);
    await page.setViewportSize({ width: 560, height: 720 });
    await page.getByTestId('notify-section-mentions').scrollIntoViewIfNeeded();
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await shot(page, path.join(ARTIFACTS, `settings-notifications-levels-${theme}-560x720.png`));
      await closeClear(`${theme} 560x720`);
    }
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('adds a keyword at Noisy, turns the keywords Off (their rules disabled), removes it, and turns notifications off', async () => {
    await tab('notifications').click();
    const master = page.getByTestId('notify-master');
    await page.waitForFunction(() => !document.querySelector<HTMLInputElement>('[data-testid="notify-master"]')?.disabled,
      undefined, { timeout: 30_000 });
    assert.equal(await master.isChecked(), true);
    assert.equal(await page.getByTestId('notify-keywords-on').isDisabled(), true, 'no keywords yet: nothing to choose');
    await page.getByTestId('notify-keyword-input').fill('lattice');
    await page.getByTestId('notify-keyword-add').click();
    await page.getByTestId('notify-keyword').filter({ hasText: 'lattice' }).waitFor({ timeout: 30_000 });
    const added = await rule('content', 'lattice');
    assert.deepEqual([added.pattern, added.enabled, added.actions], ['lattice', true, ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight' }]]);
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="notify-keywords-noisy"]')?.checked === true,
      undefined, { timeout: 30_000 });

    await level('keywords', 'off');
    assert.equal((await rule('content', 'lattice')).enabled, false, 'Element turns keywords off by disabling their rules');
    await page.getByRole('button', { name: 'Remove keyword lattice' }).click();
    await page.getByTestId('notify-keyword').waitFor({ state: 'detached', timeout: 30_000 });
    const gone = await fetch(`${hs.baseUrl}/_matrix/client/v3/pushrules/global/content/lattice`, { headers: { authorization: `Bearer ${alice.accessToken}` } });
    assert.equal(gone.status, 404, 'the keyword rule is deleted');

    await master.click();
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="notify-master"]')?.checked === false,
      undefined, { timeout: 30_000 });
    const masterRule = await rule('override', '.m.rule.master');
    assert.equal(masterRule.enabled, true, 'the master rule silences everything');
    assert.equal(await page.getByTestId('notify-display_name-on').isDisabled(), true, 'the finer choices wait for notifications to be on');
  });

  it('shows every tab in both themes at 1280×800 and 800×600, and at 560×720 (tabs across the top), the close button clear of every panel (screenshots with LATTICE_SHOTS=1)', async () => {
    for (const [w, h] of [[1280, 800], [800, 600], [560, 720]] as const) {
      await page.setViewportSize({ width: w, height: h });
      // The narrow layout once, in light: the themes differ in colour only, and each screenshot costs time.
      for (const theme of w < 640 ? ['light'] as const : ['light', 'dark'] as const) {
        await tab('appearance').click();
        await page.getByTestId(`theme-${theme}`).check({ force: true });
        for (const id of TABS) {
          await tab(id).click();
          await page.getByTestId(`settings-panel-${id}`).waitFor();
          if (id === 'sessions') await page.locator('[data-testid="session"]').first().waitFor({ timeout: 30_000 });
          if (id === 'security') {
            await page.getByTestId('security-status').waitFor({ timeout: 30_000 });
            // No cross-signing and no backup yet: the way to a verified session is to set them up, not a
            // recovery key that does not exist.
            assert.match(await page.getByTestId('security-verify-hint').innerText(), /^Set up secure backup/);
          }
          await shot(page, path.join(ARTIFACTS, `settings-${id}-${theme}-${w}x${h}.png`));
          // Scrolled to the end, the close button is still over no content.
          await page.getByTestId(`settings-panel-${id}`).evaluate((el) => { el.scrollTop = el.scrollHeight; });
          await closeClear(`${id} ${theme} ${w}×${h}`);
        }
        const overflow = await page.getByTestId('settings').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
        assert.equal(overflow, false, `no sideways overflow at ${w}×${h}`);
      }
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('settings').waitFor({ state: 'detached' });
  });
});
