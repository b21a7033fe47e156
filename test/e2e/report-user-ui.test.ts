/**
 * Reporting a user and reporting a room from the room list, as a person does it, in Chromium against Synapse through
 * the web host. Alice opens Bob in the user info panel and chooses *Report user…*: the dialog says where the report
 * goes; Synapse refuses the first try (reports are rate-limited, and this homeserver allows none): the dialog says
 * that the server asked to wait and that it sends the report again, then, after a few tries, says in words that it
 * could not, keeping her reason and her choice to ignore him; once the limit is lifted the same dialog
 * sends it (listed by Synapse's admin API) and Bob is on her ignore list. Then she reports a room from its row's ⋯
 * menu in the room list, which opens the same room report dialog (the report is in Synapse's database). Last, she
 * reports a user of another homeserver: the dialog says, before and after, that her homeserver's administrators
 * cannot act on that account (Synapse drops the report) instead of thanking her; a server that cannot be reached, or
 * publishes no support file, adds nothing, while one that publishes its contacts (a small fake server on loopback)
 * has them offered, before and after sending: its administrator's Matrix ID opens a chat prompt above the report,
 * which keeps what was typed under it, addresses are mailto: links, its support page a link; a report closed unsent
 * keeps its draft until it is sent. Screenshots in both themes (some at 800×600) go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, serverSays, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
const enc = encodeURIComponent;

describe('reporting a user and a room from the room list against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let admin: MatrixPeer;
  let roomId: string;
  let otherRoom: string;
  let ui: WebUi;
  let page: Page;
  /** Two other "homeservers" on loopback: one publishes its support contacts, the other has no support file. */
  let supported: http.Server;
  let unsupported: http.Server;
  /** Answers sent by the fake servers, by server name. */
  const answered: string[] = [];

  /** A loopback server answering `/.well-known/matrix/support` with `body` (404 when null), and its server name. */
  async function fakeServer(body: (name: string) => unknown): Promise<[http.Server, string]> {
    let name = '';
    const server = http.createServer((req, res) => {
      const file = req.url === '/.well-known/matrix/support' ? body(name) : null;
      res.writeHead(file === null ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(file ?? { errcode: 'M_NOT_FOUND', error: 'Not found' }), () => answered.push(name));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    name = `localhost:${(server.address() as AddressInfo).port}`;
    return [server, name];
  }

  before(async () => {
    hs = await startSynapse({ refuseRoomReports: true });
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'User Report E2E'));
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    otherRoom = await bob.createRoom({ name: 'Spam Channel', invite: [alice.userId] });
    await alicePeer.join(otherRoom);
    admin = new MatrixPeer(hs.baseUrl, await hs.registerUser('moderator', 'moderator-password', { admin: true }));
    await bob.sendText(roomId, 'Hello Alice');
    ui = await startWebUi('report-user', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
    for (const server of [supported, unsupported]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  /** Text as read, without the bidi isolates names are wrapped in. */
  const plain = async (l: Locator) => (await l.innerText()).replace(/[\u2066-\u2069]/g, '');
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  const roomItem = (id: string) => page.locator(`[data-testid="room-item"][data-room-id="${id}"]`);

  it('reports Bob from the user info panel; a refusal says why and keeps the reason and the choice to ignore', async () => {
    await ui.signIn(alice, 'alice-password');
    await roomItem(roomId).click(WAIT);
    await page.getByTestId('open-members').click();
    await page.locator(`[data-testid="member"][data-user-id="${bob.userId}"]`).click(WAIT);
    const panel = page.getByTestId('user-info');
    await panel.getByTestId('user-info-id').filter({ hasText: bob.userId }).waitFor(WAIT);
    await themeShots(page, 'report-user', 'panel');
    await panel.getByTestId('user-info-report').click();

    const dialog = page.getByTestId('report-user-dialog');
    await dialog.waitFor();
    const said = await plain(dialog);
    assert.match(said, /^Report this user/);
    assert.ok(said.includes(`Your report about Bob (${bob.userId}) goes to the administrators of your homeserver, ${hs.serverName},`), said);
    assert.equal(await focusedTestId(), 'report-reason', 'the reason field has the focus');
    await page.keyboard.type('Sends me abusive messages');
    await dialog.getByTestId('report-ignore').check();
    assert.match(await plain(dialog.getByTestId('report-ignore').locator('xpath=..')), /Also ignore Bob/);
    await themeShots(page, 'report-user', 'dialog');
    await page.setViewportSize({ width: 800, height: 600 });
    await themeShots(page, 'report-user', 'dialog-800x600');
    await page.setViewportSize({ width: 1280, height: 800 });
    await dialog.getByTestId('dialog-submit').click();

    // The server asks to wait before each try: the dialog says so, and that it tries again by itself.
    const waiting = dialog.getByTestId('report-waiting');
    await waiting.waitFor(WAIT);
    assert.match(await plain(waiting), /^The homeserver asked Lattice to wait before sending another report\. It sends it again in \d+ s\.$/);
    assert.equal(await dialog.getByTestId('dialog-submit').isDisabled(), true);
    const error = dialog.getByTestId('dialog-error');
    await error.waitFor(WAIT);
    assert.equal(await waiting.count(), 0, 'no more waiting once it gave up');
    assert.match(await error.innerText(), /^Could not report this user: too many requests; try again in \d+ s\.$/);
    assert.equal(await dialog.getByTestId('report-reason').inputValue(), 'Sends me abusive messages');
    assert.equal(await dialog.getByTestId('report-ignore').isChecked(), true);
    await themeShots(page, 'report-user', 'refused');

    await hs.disableRateLimits(alice.userId);
    await dialog.getByTestId('dialog-submit').click();
    const done = dialog.getByTestId('report-done');
    await done.waitFor(WAIT);
    assert.match(await plain(done), /^Thank you: the administrators of \S+ have your report\. You are now ignoring Bob/);
    await themeShots(page, 'report-user', 'sent');

    const reports = await serverSays('the user report reaches Synapse',
      async () => (await admin.request('GET', '/_synapse/admin/v1/user_reports') as { user_reports: { target_user_id: string; user_id: string; reason: string }[] }).user_reports,
      (r) => r.length > 0);
    assert.deepEqual(reports.map((r) => [r.target_user_id, r.user_id, r.reason]), [[bob.userId, alice.userId, 'Sends me abusive messages']]);
    await serverSays('Bob is on Alice\'s ignore list',
      () => alicePeer.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/m.ignored_user_list`).catch(() => ({})),
      (c: { ignored_users?: Record<string, unknown> }) => !!c.ignored_users && bob.userId in c.ignored_users);
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    // Already ignored: the panel says so, and reporting him again offers no ignoring.
    await panel.getByTestId('user-info-ignored').waitFor(WAIT);
    await panel.getByTestId('user-info-report').click();
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('report-ignore').count(), 0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('reports a room from its row\'s menu in the room list', async () => {
    const row = page.locator('.roomlist-row').filter({ has: roomItem(otherRoom) });
    await row.hover();
    await row.getByTestId('room-menu-button').click();
    const menu = page.getByTestId('room-menu');
    await menu.waitFor();
    assert.equal(await menu.getByTestId('room-menu-report').innerText(), 'Report room…');
    await themeShots(page, 'report-user', 'room-menu');
    await menu.getByTestId('room-menu-report').click();

    const dialog = page.getByTestId('report-room-dialog');
    await dialog.waitFor();
    assert.equal(await menu.count(), 0, 'the menu closed');
    assert.match(await plain(dialog), /about the whole room, Spam Channel, goes to the administrators of your homeserver/);
    assert.equal(await focusedTestId(), 'report-reason', 'the reason field has the focus, not the row the menu came from');
    await page.keyboard.type('Only spam here');
    await dialog.getByTestId('dialog-submit').click();
    const done = dialog.getByTestId('report-done');
    await done.waitFor(WAIT);
    assert.match(await plain(done), /^Thank you: the administrators of \S+ have your report\.$/);

    const db = new Database(path.join(hs.dataDir, 'homeserver.db'), { readonly: true, fileMustExist: true });
    try {
      assert.deepEqual(db.prepare('SELECT room_id, user_id, reason FROM room_reports').all(),
        [{ room_id: otherRoom, user_id: alice.userId, reason: 'Only spam here' }]);
    } finally {
      db.close();
    }
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  it('says honestly what becomes of a report about a user of another homeserver', async () => {
    const carol = '@carol:elsewhere.example';
    // Banned ahead of time (no server is asked), Carol has a member event here, so her link opens her user info.
    await bob.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/ban`, { user_id: carol, reason: 'spam elsewhere' });
    // Alice's own note (she ignores Bob now, so his messages are hidden from her).
    await alicePeer.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'watch out for carol', format: 'org.matrix.custom.html',
      formatted_body: `watch out for <a href="https://matrix.to/#/${enc(carol)}">Carol</a>`,
    });
    await roomItem(roomId).click(WAIT);
    await page.getByRole('link', { name: 'Carol' }).click(WAIT);
    const panel = page.getByTestId('user-info');
    await panel.getByTestId('user-info-id').filter({ hasText: carol }).waitFor(WAIT);
    await panel.getByTestId('user-info-report').click();
    const dialog = page.getByTestId('report-user-dialog');
    await dialog.waitFor();
    const said = (await plain(dialog)).replace(/\s+/g, ' ');
    assert.ok(said.includes(`account is on another homeserver, elsewhere.example: the administrators of ${hs.serverName} cannot act on it,`), said);
    assert.match(await plain(dialog.getByTestId('report-remote')), /quietly drop such a report/);
    // elsewhere.example cannot be asked for its contacts: none are offered, and the report goes all the same.
    assert.equal(await dialog.getByTestId('report-contacts').count(), 0);
    await page.setViewportSize({ width: 800, height: 600 });
    await themeShots(page, 'report-user', 'remote-800x600');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.type('Spam from another server');
    await dialog.getByTestId('dialog-submit').click();
    const done = dialog.getByTestId('report-done');
    await done.waitFor(WAIT);
    const result = await plain(done);
    await page.setViewportSize({ width: 800, height: 600 });
    await themeShots(page, 'report-user', 'remote-sent-800x600');
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.doesNotMatch(result, /have your report/, result);
    assert.match(result, new RegExp(`^${hs.serverName.replace(/\./g, '\\.')} accepted the report, but it may reach no one who can act on it`), result);
    // Synapse drops reports about other servers' users: nothing is listed.
    const reports = (await admin.request('GET', '/_synapse/admin/v1/user_reports') as { user_reports: { target_user_id: string }[] }).user_reports;
    assert.deepEqual(reports.filter((r) => r.target_user_id === carol), []);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  /** Opens the report dialog about `userId` (of another server) through a link in Alice's own message. */
  async function reportFromLink(userId: string, label: string): Promise<Locator> {
    // Banned ahead of time (no server is asked), they have a member event here, so their link opens their user info.
    await bob.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/ban`, { user_id: userId, reason: 'spam elsewhere' });
    await alicePeer.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: `watch out for ${label}`, format: 'org.matrix.custom.html',
      formatted_body: `watch out for <a href="https://matrix.to/#/${enc(userId)}">${label}</a>`,
    });
    await page.getByRole('link', { name: label }).click(WAIT);
    const panel = page.getByTestId('user-info');
    await panel.getByTestId('user-info-id').filter({ hasText: userId }).waitFor(WAIT);
    await panel.getByTestId('user-info-report').click();
    const dialog = page.getByTestId('report-user-dialog');
    await dialog.waitFor();
    return dialog;
  }

  it('offers nothing more for a user of a server that publishes no support file', async () => {
    let name: string;
    [unsupported, name] = await fakeServer(() => null);
    const dialog = await reportFromLink(`@erin:${name}`, 'Erin');
    assert.match(await plain(dialog.getByTestId('report-remote')), new RegExp(`account is on another homeserver, ${name}:`));
    // Its 404 went out before the report does: the answer reaches the dialog first.
    await serverSays('the server without a support file was asked', () => Promise.resolve(answered), (a) => a.includes(name));
    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('report-done').waitFor(WAIT);
    assert.equal(await dialog.getByTestId('report-contacts').count(), 0);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
  });

  it('offers the contacts and support page another server publishes, before and after sending', async () => {
    let name: string;
    [supported, name] = await fakeServer((n) => ({
      contacts: [
        { role: 'm.role.security', email_address: 'security@example.org' },
        { role: 'org.example.helpdesk', email_address: 'helpdesk@example.org' },
        { role: 'm.role.admin', matrix_id: `@admin:${n}`, email_address: 'abuse@example.org' },
        { role: 'm.role.admin', email_address: '<img src=x onerror=alert(1)>@example.org' },
      ],
      support_page: 'https://example.org/support',
    }));
    const dialog = await reportFromLink(`@dave:${name}`, 'Dave');
    const contacts = dialog.getByTestId('report-contacts');
    await contacts.waitFor(WAIT);
    const said = await plain(contacts);
    // Administrators first, then security; a server's own roles and what is not an address are left out.
    assert.equal(said.replace(/\s+/g, ' ').trim(), `You can also contact ${name}'s administrators: `
      + `Administrator: @admin:${name}, abuse@example.org Security: security@example.org Support page: https://example.org/support `
      + 'Chatting with them does not send this report or lose it: what you typed stays here until you send it.');
    assert.deepEqual(await contacts.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), [
      `https://matrix.to/#/${enc(`@admin:${name}`)}?action=chat`, 'mailto:abuse@example.org', 'mailto:security@example.org',
      'https://example.org/support',
    ]);
    await page.setViewportSize({ width: 800, height: 600 });
    await themeShots(page, 'report-user', 'remote-contacts-800x600');
    await page.setViewportSize({ width: 1280, height: 800 });
    await themeShots(page, 'report-user', 'remote-contacts');

    // Before sending, the administrator's Matrix ID opens the chat prompt above the report, which waits under it as
    // it was: nothing typed or ticked is lost, and the list says so beforehand.
    await page.keyboard.type('Spam from Dave');
    await dialog.getByTestId('report-ignore').check();
    assert.equal(await plain(dialog.getByTestId('report-contacts-note')),
      'Chatting with them does not send this report or lose it: what you typed stays here until you send it.');
    const adminLink = contacts.getByRole('link', { name: `@admin:${name}` });
    await adminLink.click();
    const prompt = page.getByTestId('link-prompt');
    await prompt.waitFor(WAIT);
    assert.match(await prompt.innerText(), new RegExp(`@admin:${name}[\\s\\S]*Start a chat`));
    assert.equal(await dialog.isVisible(), true, 'the report dialog stays open under the prompt');
    // The prompt is the one on top: what is at its middle is the prompt, not the report dialog.
    assert.equal(await page.evaluate(() => {
      const r = document.querySelector('[data-testid="link-prompt"]')?.getBoundingClientRect();
      return r ? document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest('dialog')?.dataset.testid : null;
    }), 'link-prompt');
    await themeShots(page, 'report-user', 'remote-contact-prompt');
    await page.setViewportSize({ width: 800, height: 600 });
    await themeShots(page, 'report-user', 'remote-contact-prompt-800x600');
    await page.setViewportSize({ width: 1280, height: 800 });
    await prompt.getByRole('button', { name: 'Close' }).click();
    await prompt.waitFor({ state: 'detached' });
    assert.equal(await dialog.getByTestId('report-reason').inputValue(), 'Spam from Dave');
    assert.equal(await dialog.getByTestId('report-ignore').isChecked(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `@admin:${name}`, 'the focus is back on the link');

    // Closed without sending, the report keeps its draft: opening it again finds it as it was, and says so.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('user-info').getByTestId('user-info-report').click();
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('report-reason').inputValue(), 'Spam from Dave');
    assert.equal(await dialog.getByTestId('report-ignore').isChecked(), true);
    assert.equal(await plain(dialog.getByTestId('report-draft')), 'Not sent yet: this is the report you started earlier, as you left it.');
    await themeShots(page, 'report-user', 'remote-draft');

    await dialog.getByTestId('dialog-submit').click();
    await dialog.getByTestId('report-done').waitFor(WAIT);
    assert.match(await plain(contacts), new RegExp(`^You can also contact ${name}'s administrators:`));
    assert.equal(await dialog.getByTestId('report-contacts-note').count(), 0, 'nothing is left to keep once it went');
    await themeShots(page, 'report-user', 'remote-contacts-sent');
    // After sending too, the prompt opens above what was done.
    await adminLink.click();
    await prompt.waitFor(WAIT);
    assert.equal(await dialog.getByTestId('report-done').isVisible(), true);
    await page.keyboard.press('Escape');
    await prompt.waitFor({ state: 'detached' });
    assert.equal(await dialog.getByTestId('report-done').isVisible(), true, 'Esc closed the prompt alone');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    // Sent, the draft is gone: a new report about Dave starts empty.
    await page.getByTestId('user-info').getByTestId('user-info-report').click();
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('report-reason').inputValue(), '');
    assert.equal(await dialog.getByTestId('report-draft').count(), 0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
