/**
 * Reading and writing in a busy room, in Chromium against Synapse through the web host, for what a person notices
 * in a room with history: the newest messages stay in view while a multi-line draft grows the composer, a reply in
 * a thread leaves the main timeline where the reader was, right-to-left messages are laid out right to left, a
 * deleted message keeps no reactions, a crowd that was invited and joined is named once, Esc in a message's
 * toolbar gives the focus back to the message instead of dropping it, web addresses in plain-text messages are
 * links, a message of nothing but emoji is shown large, each message's toolbar is one Tab stop, a member who may
 * not post is told so instead of a composer, a code block has a Copy button, a room left partway up opens again
 * where the reader was, and a reaction waiting behind a refused message says so instead of looking sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

describe('a busy room against Synapse', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let page: Page;

  before(async () => {
    ui = await startWebUi('busy-room');
    ({ hs, page } = ui);
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Busy room'));
    await hs.disableRateLimits(bob.userId);
    // More than a screenful, so the timeline scrolls.
    for (let i = 0; i < 40; i++) await bob.sendText(roomId, `History line ${i}`);
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  // By the message's own text: a reply's row also shows the message it quotes, which must not match here.
  const message = (text: string) => timeline().getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  /** How far the timeline's view is from its newest message, in pixels. */
  const gapToEnd = () => timeline().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

  it('opens the room at its newest message', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await message('History line 39').waitFor({ timeout: 30_000 });
  });

  it('keeps the newest message in view while a multi-line draft grows the composer', async () => {
    const composer = page.getByTestId('composer');
    await composer.click();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="timeline"]');
      return el !== null && el.scrollHeight - el.scrollTop - el.clientHeight < 2;
    });
    // Typed as a person types: each key grows the draft by what it adds (a textarea that was measured by collapsing
    // it to one line let the timeline's viewport grow for a moment, which moved the view up and unpinned it).
    for (let i = 0; i < 8; i++) {
      await composer.press('Shift+Enter');
      await composer.pressSequentially(`line ${i}`, { delay: 10 });
    }
    await page.waitForTimeout(200); // let any late scroll event land; nothing below waits for one
    const gap = await gapToEnd();
    assert.ok(gap < 2, `the timeline stays at its end while the composer grows (${gap}px above it)`);
    await themeShots(page, 'busy-room', 'multiline-draft');
    await composer.fill('');
  });

  it('leaves the main timeline where the reader was when they reply in a thread', async () => {
    await timeline().evaluate((el) => { el.scrollTop = Math.max(0, el.scrollTop - 500); });
    const root = message('History line 15');
    await root.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await root.hover();
    await root.getByTestId('action-thread').click();
    const threadComposer = page.getByTestId('thread-composer');
    await threadComposer.waitFor();
    const before = await root.evaluate((el) => el.getBoundingClientRect().top);
    await threadComposer.fill('An answer in the thread');
    await threadComposer.press('Enter');
    await page.getByTestId('thread-panel').getByText('An answer in the thread').waitFor({ timeout: 30_000 });
    await root.getByTestId('thread-summary').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    assert.ok(await root.isVisible(), 'the root is still on screen');
    const moved = Math.abs((await root.evaluate((el) => el.getBoundingClientRect().top)) - before);
    assert.ok(moved < 40, `the root stays where it was (moved ${moved}px)`);
    await page.keyboard.press('Escape');
  });

  it('lays a right-to-left message out from the right, and a left-to-right one from the left', async () => {
    await page.getByTestId('composer').press('Escape'); // back to the newest messages
    await bob.sendText(roomId, 'שלום לכולם, מה שלומכם היום?');
    await bob.sendText(roomId, 'Back to English, with עברית inside');
    const hebrew = message('שלום לכולם').locator('.message-body');
    await hebrew.waitFor({ timeout: 30_000 });
    assert.equal(await hebrew.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    // Its text ends at the body's right edge, where a right-to-left reader starts.
    const edges = await hebrew.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return { text: range.getBoundingClientRect().right, body: el.getBoundingClientRect().right };
    });
    assert.ok(edges.body - edges.text < 2, `the Hebrew text ends at the right edge (${edges.body - edges.text}px short)`);
    assert.equal(await message('Back to English').locator('.message-body').evaluate((el) => getComputedStyle(el).direction), 'ltr');
    const composer = page.getByTestId('composer');
    await composer.fill('مرحبا');
    assert.equal(await composer.evaluate((el) => getComputedStyle(el).direction), 'rtl', 'the composer follows what is typed');
    await composer.fill('');
    await themeShots(page, 'busy-room', 'right-to-left');
  });

  it('shows no reactions under a deleted message', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('A message to react to and delete');
    await composer.press('Enter');
    const { event_id: eventId } = await bob.waitForMessage(roomId, (e) => e.content.body === 'A message to react to and delete');
    await bob.sendEvent(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key: '👍' } });
    const row = timeline().locator(`[data-event-id="${eventId}"]`);
    await row.getByTestId('reaction').waitFor({ timeout: 30_000 });
    await row.hover();
    await row.getByTestId('action-delete').click();
    await row.getByTestId('action-delete-confirm').click();
    await row.getByTestId('message-deleted').waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('reaction').count(), 0, 'the deleted message\'s reactions are gone with it');
  });

  it('names a crowd that was invited and then joined once', async () => {
    const invited: MatrixPeer[] = [];
    for (let i = 0; i < 4; i++) {
      const user = await hs.registerUser(`guest${i}`, 'guest-password', { displayname: `Guest ${i}` });
      await bob.invite(roomId, user.userId);
      invited.push(new MatrixPeer(hs.baseUrl, user));
    }
    for (const guest of invited) await guest.join(roomId);
    await bob.sendText(roomId, 'Welcome, guests');
    await message('Welcome, guests').waitFor({ timeout: 30_000 });
    const group = timeline().getByTestId('state-group').last();
    await group.filter({ hasText: 'joined' }).waitFor({ timeout: 30_000 });
    assert.equal((await group.locator('button').innerText()).replace(/^▸\s*/, '').replace(/[\u2066-\u2069]/g, ''),
      'Guest 0, Guest 1 and 2 others were invited and joined');
    // Six joined: a call of two parties has no one person to ring.
    await page.getByTestId('start-voice-call').waitFor({ state: 'detached' });
  });

  it('gives the focus back to the message when Esc leaves its toolbar, also from a pending delete', async () => {
    const row = message('Welcome, guests');
    await row.focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('[role="toolbar"]') !== null), true,
      `Tab enters the toolbar (the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))})`);
    await page.keyboard.press('Escape');
    assert.equal(await row.evaluate((el) => el === document.activeElement), true,
      `Esc goes back to the message (the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))})`);
    assert.equal(await row.isVisible(), true);

    const composer = page.getByTestId('composer');
    await composer.fill('Deleted by keyboard? Not yet');
    await composer.press('Enter');
    const mine = message('Deleted by keyboard? Not yet');
    await mine.getByTestId('action-delete').waitFor({ state: 'attached', timeout: 30_000 }); // once sent
    await mine.focus();
    await page.keyboard.press('Tab');
    await mine.getByTestId('action-delete').focus();
    await page.keyboard.press('Enter');
    await mine.getByTestId('action-delete-confirm').waitFor();
    assert.equal(await mine.getByTestId('action-delete-confirm').evaluate((el) => el === document.activeElement), true,
      'the question takes the focus from the Delete button it replaces');
    await page.keyboard.press('Escape');
    assert.equal(await mine.evaluate((el) => el === document.activeElement), true);
    assert.equal(await mine.getByTestId('action-delete-confirm').count(), 0, 'the pending delete is dropped');
    assert.equal(await mine.getByTestId('message-deleted').count(), 0);

    // Esc on the message itself goes to the newest messages, and the keyboard on from the composer (the message
    // scrolled away took the focus with it before).
    await timeline().evaluate((el) => { el.scrollTop = 0; }); // somewhere in the history
    // Scrolled to the top, the timeline may load older history and lay its rows out again meanwhile: the message
    // keeps the focus all the same (timeline-focus-ui tests that at length).
    const olderId = await page.evaluate(() => {
      const first = document.querySelector<HTMLElement>('[data-testid="timeline"] .message');
      first?.focus();
      return first?.getAttribute('data-event-id') ?? null;
    });
    assert.ok(olderId, 'a message in the history to focus');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-event-id')), olderId, 'the message keeps the focus');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'composer');
  });

  it('makes the web addresses in a plain-text message clickable, and nothing else', async () => {
    await bob.sendText(roomId, 'See https://example.org/one for the first part');
    await bob.sendText(roomId, 'And https://example.org/two for the second, or www.example.com, not @bob:example.org //evil.example');
    const second = message('https://example.org/two');
    await second.waitFor({ timeout: 30_000 });
    const links = await second.locator('.message-body a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target')]));
    assert.deepEqual(links, [
      ['https://example.org/two', 'https://example.org/two', '_blank'],
      ['www.example.com', 'http://www.example.com', '_blank'],
    ]);
    assert.match(await second.locator('.message-body').innerText(), /not @bob:example\.org \/\/evil\.example$/, 'the rest stays text');
  });

  it('shows a message of nothing but emoji large, and emoji among words at the size of the words', async () => {
    await bob.sendText(roomId, '🎉👍🏽');
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: '🎉', format: 'org.matrix.custom.html', formatted_body: '<p>🎉</p>' });
    await bob.sendText(roomId, 'Well done 🎉');
    const among = message('Well done 🎉').locator('.message-body');
    await among.waitFor({ timeout: 30_000 });
    const size = (l: ReturnType<typeof message>) => l.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const words = await size(among);
    const plain = message('🎉👍🏽').locator('.message-body');
    const html = timeline().locator('.message-html', { hasText: /^🎉$/ });
    assert.ok(await size(plain) >= 2 * words, `plain-text emoji large (${await size(plain)}px against ${words}px)`);
    assert.ok(await size(html) >= 2 * words, `formatted emoji large (${await size(html)}px against ${words}px)`);
    assert.equal(await among.evaluate((el) => el.classList.contains('is-emoji-only')), false);
    await themeShots(page, 'busy-room', 'emoji-only');
  });

  it('walks back from the composer past messages with links with one Tab stop per message toolbar', async () => {
    const composer = page.getByTestId('composer');
    await composer.focus();
    const stops: { toolbar: string | null; what: string }[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Shift+Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const toolbar = el?.closest('[role="toolbar"]')?.closest('[data-event-id]')?.getAttribute('data-event-id') ?? null;
        return { toolbar, what: `${el?.tagName.toLowerCase()}[${el?.dataset.testid ?? ''}]` };
      });
      stops.push(stop);
      if (stop.what === 'div[timeline]') break;
    }
    assert.equal(stops.at(-1)?.what, 'div[timeline]', `Shift+Tab reaches the timeline: ${stops.map((s) => s.what).join(', ')}`);
    const perToolbar = new Map<string, number>();
    for (const s of stops) if (s.toolbar) perToolbar.set(s.toolbar, (perToolbar.get(s.toolbar) ?? 0) + 1);
    assert.ok(perToolbar.size >= 2, 'it passed the toolbars of the two messages with links');
    assert.deepEqual([...perToolbar.values()].filter((n) => n > 1), [], `one stop per toolbar: ${stops.map((s) => s.what).join(', ')}`);
    // Tab goes on into the toolbar's remembered button, and ←/→ still move along it.
    const row = message('https://example.org/two');
    await row.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    assert.match(second ?? '', /^React with /);
    await row.focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), second, 'the toolbar remembers its button');
  });

  it('says so in place of the composer when Alice may not post, and gives it back when she may again', async () => {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`;
    const levels = await bob.request('GET', path) as Record<string, unknown>;
    await bob.setState(roomId, 'm.room.power_levels', '', { ...levels, events_default: 50 });
    const notice = page.getByTestId('no-permission-to-post');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /You do not have permission to post in this room/);
    assert.equal(await page.getByTestId('composer').count(), 0, 'no composer to write a message the server would refuse');
    await themeShots(page, 'busy-room', 'no-permission');
    await bob.setState(roomId, 'm.room.power_levels', '', levels);
    await page.getByTestId('composer').waitFor({ timeout: 30_000 });
    assert.equal(await notice.count(), 0);
  });

  it('copies a code block with its Copy button', async () => {
    await ui.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const composer = page.getByTestId('composer');
    await composer.fill('```\nconst answer = 42;\nconsole.log(answer);\n```');
    await composer.press('Enter');
    const row = message('const answer = 42;');
    await row.locator('pre').waitFor({ timeout: 30_000 });
    await row.locator('pre').hover();
    const copy = row.getByRole('button', { name: 'Copy code' });
    await copy.click();
    await copy.filter({ hasText: 'Copied' }).waitFor();
    assert.equal((await page.evaluate(() => navigator.clipboard.readText())).trim(), 'const answer = 42;\nconsole.log(answer);');
    await themeShots(page, 'busy-room', 'code-copy');
  });

  it('comes back to a room at the messages the reader left it at, and to the newest when they left it there', async () => {
    const other = await bob.createRoom({ name: 'Another room', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(other);
    await bob.sendText(other, 'Meanwhile, elsewhere');
    const open = async (id: string, name: string) => {
      await page.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click({ timeout: 30_000 });
      await page.getByTestId('room-header').filter({ hasText: name }).waitFor();
    };
    /** The first message wholly in view and its distance from the top of the view. */
    const firstInView = () => page.evaluate(() => {
      const view = document.querySelector('[data-testid="timeline"]')!.getBoundingClientRect();
      const row = [...document.querySelectorAll('[data-testid="timeline"] .message')].find((m) => m.getBoundingClientRect().top >= view.top);
      return { id: row?.getAttribute('data-event-id'), top: Math.round(row!.getBoundingClientRect().top - view.top) };
    });
    await timeline().evaluate((el) => { el.scrollTop = Math.max(0, el.scrollTop - 600); });
    await page.waitForTimeout(300);
    const left = await firstInView();
    await open(other, 'Another room');
    await message('Meanwhile, elsewhere').waitFor({ timeout: 30_000 });
    await open(roomId, 'Busy room');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="timeline"] [data-event-id="${id}"]`) !== null, left.id);
    await page.waitForTimeout(300);
    assert.deepEqual(await firstInView(), left, 'the same message at the same height');

    await page.getByTestId('composer').press('Escape'); // to the newest
    await open(other, 'Another room');
    await open(roomId, 'Busy room');
    await page.waitForTimeout(300);
    assert.ok(await gapToEnd() < 2, 'left at the newest, it opens at the newest');
  });

  it('shows a reaction waiting behind a refused message as not sent yet, and sends it once that message is discarded', async () => {
    // Too large for the server (65,536 bytes at most): refused, it stays in place with Retry and Discard.
    const composer = page.getByTestId('composer');
    await composer.fill('x'.repeat(70_000));
    await composer.press('Enter');
    const refused = page.getByTestId('send-error');
    await refused.waitFor({ timeout: 30_000 });
    assert.match(await refused.innerText(), /too large/);

    const target = message('const answer = 42;');
    const targetId = await target.getAttribute('data-event-id');
    await target.hover();
    await target.getByTestId('react').first().click();
    const chip = target.getByTestId('reaction');
    await chip.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="reaction"].is-pending') !== null);
    assert.match(await chip.getAttribute('title') ?? '', /waits to be sent until the message that failed to send is retried or discarded/);
    await themeShots(page, 'busy-room', 'reaction-waiting');

    await page.getByRole('button', { name: 'Discard' }).click();
    await refused.waitFor({ state: 'detached', timeout: 30_000 });
    await bob.waitForMessage(roomId, (e) => e.type === 'm.reaction' && e.sender === alice.userId
      && (e.content['m.relates_to'] as { event_id?: string } | undefined)?.event_id === targetId, 30_000);
    await page.waitForFunction(() => document.querySelector('[data-testid="reaction"].is-pending') === null, null, { timeout: 30_000 });
    assert.match(await chip.getAttribute('title') ?? '', /You reacted with/);
  });
});
