/**
 * Message features as a person uses them, in Chromium against Synapse through the web host, with Bob acting over the
 * homeserver API (test/harness/media-fixture.ts): a reaction that names who reacted, taken back with a second click; a
 * thread Bob started, opened from its summary and answered from the thread panel; a poll and a location sent from the
 * thread panel into the thread; a spoiler revealed by a click; a location and a poll from Bob, Alice's vote counted; a
 * multiple-choice poll made in the poll dialog, voted in, its earliest choice let go at a third, and ended; the emoji
 * picker and a :shortcode: completed; and the side panel lying over the timeline in a narrow window (the focus moved
 * into it and back, Esc and × closing it). Screenshots of the thread panel, the polls, the emoji picker and the narrow
 * side panels in both themes at 1280×800 and 800×600 go to test-artifacts/ (with LATTICE_SHOTS=1). Sending images,
 * videos and files is media-ui's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startMediaFixture, type MediaFixture } from '../harness/media-fixture.ts';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';

describe('reactions, threads, spoilers and polls against Synapse', () => {
  let fx: MediaFixture | undefined;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let page: Page;
  let message: MediaFixture['message'];
  let shots: MediaFixture['shots'];

  before(async () => {
    fx = await startMediaFixture('message-features');
    ({ page, alice, bob, roomId, message, shots } = fx);
    // Signed in, the room open and Bob's hello shown (as media-ui's first test leaves it).
    await fx.ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Media E2E' }).waitFor();
    await message('Hello from Bob').waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await fx?.ui.stop();
  });

  it('reacts, names who reacted, and takes the reaction back with a second click', async () => {
    const bobs = message('Hello from Bob');
    await bobs.hover();
    await bobs.getByRole('button', { name: 'React with 👍' }).click();
    const reaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.reaction', 45_000);
    const chip = bobs.getByTestId('reaction').filter({ hasText: '👍' });
    // By locator, not element handle: rows re-mount as the virtualized timeline re-measures them.
    await chip.and(page.locator('[aria-pressed="true"][title^="You reacted with 👍"]')).waitFor({ timeout: 45_000 });
    await chip.click();
    const redaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.room.redaction' && e.redacts === reaction.event_id, 45_000);
    assert.equal(redaction.sender, alice.userId);
    await chip.waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('opens a thread Bob started from its summary and replies in it', async () => {
    const rootId = await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Thread root from Bob' });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'First thread reply',
      'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
    });
    const rootRow = message('Thread root from Bob');
    const summary = rootRow.getByTestId('thread-summary');
    await summary.waitFor({ timeout: 45_000 });
    assert.match(await summary.innerText(), /1 reply/);
    assert.equal(await message('First thread reply').count(), 0, 'thread replies stay out of the main timeline');

    await summary.click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-message').filter({ hasText: 'First thread reply' }).waitFor({ timeout: 30_000 });
    await panel.getByTestId('thread-composer').fill('Alice answers in the thread');
    await panel.getByTestId('thread-composer').press('Enter');
    const reply = await bob.waitForMessage(roomId, (e) => e.content.body === 'Alice answers in the thread', 45_000);
    const rel = reply.content['m.relates_to'] as { rel_type: string; event_id: string; is_falling_back: boolean; 'm.in_reply_to': { event_id: string } };
    assert.equal(rel.rel_type, 'm.thread');
    assert.equal(rel.event_id, rootId);
    assert.equal(rel.is_falling_back, true);
    assert.ok(rel['m.in_reply_to'].event_id.startsWith('$'));
    await panel.getByTestId('thread-message').filter({ hasText: 'Alice answers in the thread' }).waitFor({ timeout: 30_000 });
    await summary.filter({ hasText: '2 replies' }).waitFor({ timeout: 30_000 });
    await shots('thread-panel');
    await panel.getByTestId('thread-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('sends a poll and a location from the thread panel into the thread', async () => {
    const rootRow = message('Thread root from Bob');
    await rootRow.getByTestId('thread-summary').click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-message').filter({ hasText: 'Alice answers in the thread' }).waitFor({ timeout: 30_000 });
    const rootId = await rootRow.getAttribute('data-event-id');
    assert.ok(rootId?.startsWith('$'), `the root's event ID, got ${rootId}`);

    await panel.getByTestId('thread-composer-more').click();
    await panel.getByTestId('thread-composer-poll').click();
    const dialog = page.getByTestId('poll-dialog');
    await dialog.getByTestId('poll-question').fill('Thread poll: tea or coffee?');
    await dialog.getByTestId('poll-answer-input').nth(0).fill('Tea');
    await dialog.getByTestId('poll-answer-input').nth(1).fill('Coffee');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const start = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.start'
      && JSON.stringify(e.content).includes('Thread poll'), 45_000);
    const rel = start.content['m.relates_to'] as { rel_type: string; event_id: string; is_falling_back: boolean };
    assert.equal(rel.rel_type, 'm.thread');
    assert.equal(rel.event_id, rootId);
    assert.equal(rel.is_falling_back, true);
    const threadPoll = panel.getByTestId('poll').filter({ hasText: 'Thread poll' });
    await threadPoll.waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('timeline').getByTestId('poll').filter({ hasText: 'Thread poll' }).count(), 0,
      'the thread\'s poll stays out of the main timeline');

    await panel.getByTestId('thread-composer-more').click();
    await panel.getByTestId('thread-composer-location').click();
    const where = page.getByTestId('location-dialog');
    await where.getByTestId('location-coords').fill('48.8584, 2.2945');
    await where.getByTestId('location-description').fill('Thread meeting point');
    await where.getByTestId('dialog-submit').click();
    await where.waitFor({ state: 'detached', timeout: 30_000 });
    const loc = await bob.waitForMessage(roomId, (e) => e.content.msgtype === 'm.location' && String(e.content.body).includes('Thread meeting point'), 45_000);
    assert.equal(loc.content.geo_uri, 'geo:48.8584,2.2945');
    assert.equal((loc.content['m.relates_to'] as { rel_type: string; event_id: string }).rel_type, 'm.thread');
    assert.equal((loc.content['m.relates_to'] as { event_id: string }).event_id, rootId);
    await panel.getByTestId('location').filter({ hasText: 'Thread meeting point' }).waitFor({ timeout: 30_000 });
    await shots('thread-poll-location');
    await panel.getByTestId('thread-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('hides a spoiler until it is clicked', async () => {
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: 'Ending: [Spoiler](the butler did it)', format: 'org.matrix.custom.html',
      formatted_body: 'Ending: <span data-mx-spoiler="">the butler did it</span>',
    });
    const spoiler = message('Ending:').locator('span[data-mx-spoiler]');
    await spoiler.waitFor({ timeout: 45_000 });
    const color = () => spoiler.evaluate((el) => getComputedStyle(el).color);
    assert.equal(await color(), 'rgba(0, 0, 0, 0)', 'hidden: the text is transparent');
    await spoiler.click();
    assert.match(await spoiler.getAttribute('class') ?? '', /is-revealed/);
    assert.notEqual(await color(), 'rgba(0, 0, 0, 0)');
  });

  it('shows a location, and a poll Alice votes in with the results counted', async () => {
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.location', body: 'The office', geo_uri: 'geo:52.52,13.405' });
    const location = page.getByTestId('location').filter({ hasText: 'The office' });
    await location.waitFor({ timeout: 45_000 });
    assert.match(await location.innerText(), /52\.52000, 13\.40500/);
    const pollId = await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.start', {
      'org.matrix.msc3381.poll.start': {
        question: { 'org.matrix.msc1767.text': 'Lunch where?' }, kind: 'org.matrix.msc3381.poll.disclosed', max_selections: 1,
        answers: [{ id: 'pizza', 'org.matrix.msc1767.text': 'Pizza place' }, { id: 'sushi', 'org.matrix.msc1767.text': 'Sushi bar' }],
      },
      'org.matrix.msc1767.text': 'Lunch where?\n1. Pizza place\n2. Sushi bar',
    });
    const poll = page.getByTestId('poll').filter({ hasText: 'Lunch where?' });
    await poll.waitFor({ timeout: 45_000 });
    assert.match(await poll.innerText(), /Vote to see the results/);
    await poll.getByTestId('poll-answer').filter({ hasText: 'Sushi bar' }).click();
    const vote = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response', 45_000);
    assert.deepEqual(vote.content['m.relates_to'], { rel_type: 'm.reference', event_id: pollId });
    assert.deepEqual((vote.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers, ['sushi']);
    await poll.getByTestId('poll-answer').filter({ hasText: 'Sushi bar' }).filter({ hasText: '1 vote' }).waitFor({ timeout: 45_000 });
  });

  it('creates a multiple-choice poll in the dialog, and votes for two answers in one response', async () => {
    await page.getByTestId('composer-more').click();
    await page.getByTestId('composer-poll').click();
    const dialog = page.getByTestId('poll-dialog');
    await dialog.getByTestId('poll-question').fill('Which days suit you?');
    await dialog.getByTestId('poll-answer-input').nth(0).fill('Monday');
    await dialog.getByTestId('poll-answer-input').nth(1).fill('Wednesday');
    await dialog.getByTestId('poll-add-answer').click();
    await dialog.getByTestId('poll-answer-input').nth(2).fill('Friday');
    await dialog.getByTestId('poll-max-selections').selectOption('2');
    await shots('poll-dialog');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });

    const start = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.start'
      && JSON.stringify(e.content).includes('Which days'), 45_000);
    const body = start.content['org.matrix.msc3381.poll.start'] as { max_selections: number; kind: string; answers: { id: string; 'org.matrix.msc1767.text': string }[] };
    assert.equal(body.max_selections, 2);
    assert.equal(body.kind, 'org.matrix.msc3381.poll.disclosed');
    const idOf = (text: string) => body.answers.find((a) => a['org.matrix.msc1767.text'] === text)!.id;

    const poll = page.getByTestId('poll').filter({ hasText: 'Which days suit you?' });
    await poll.waitFor({ timeout: 30_000 });
    assert.match(await poll.getByTestId('poll-status').innerText(), /^Choose up to 2 answers · Vote to see the results$/);
    const answer = (text: string) => poll.getByTestId('poll-answer').filter({ hasText: text });
    await answer('Monday').click();
    await answer('Monday').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 30_000 });
    await answer('Friday').click();
    const vote = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response'
      && (e.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers.length === 2, 45_000);
    assert.deepEqual(vote.content['m.relates_to'], { rel_type: 'm.reference', event_id: start.event_id });
    assert.deepEqual((vote.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers, [idOf('Monday'), idOf('Friday')]);

    // Bob chooses Friday and Wednesday: two voters, Friday twice.
    await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.response', {
      'm.relates_to': { rel_type: 'm.reference', event_id: start.event_id },
      'org.matrix.msc3381.poll.response': { answers: [idOf('Friday'), idOf('Wednesday')] },
    });
    await answer('Friday').filter({ hasText: '2 votes' }).waitFor({ timeout: 45_000 });
    assert.match(await answer('Monday').innerText(), /1 vote/);
    assert.match(await answer('Wednesday').innerText(), /1 vote/);
    assert.equal(await poll.getByTestId('poll-status').innerText(), 'Choose up to 2 answers · 2 voters');
    assert.equal(await answer('Wednesday').getAttribute('aria-pressed'), 'false');
    await poll.scrollIntoViewIfNeeded();
    await shots('poll-multiple');

    // A third choice lets go of the earliest: Monday and Friday become Friday and Wednesday.
    await answer('Wednesday').click();
    const moved = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response' && e.sender === alice.userId
      && (e.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers.includes(idOf('Wednesday')), 45_000);
    assert.deepEqual((moved.content['org.matrix.msc3381.poll.response'] as { answers: string[] }).answers, [idOf('Friday'), idOf('Wednesday')]);
    await answer('Wednesday').filter({ hasText: '2 votes' }).waitFor({ timeout: 45_000 });
    assert.match(await answer('Monday').innerText(), /0 votes/);

    // Alice ends it; a vote Bob sends afterwards does not count (his text after it shows it has arrived).
    await poll.getByTestId('poll-end').click();
    await poll.getByTestId('poll-status').filter({ hasText: 'Final results · 2 voters' }).waitFor({ timeout: 45_000 });
    await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.response', {
      'm.relates_to': { rel_type: 'm.reference', event_id: start.event_id }, 'org.matrix.msc3381.poll.response': { answers: [idOf('Monday')] },
    });
    await bob.sendText(roomId, 'Too late for the poll');
    await message('Too late for the poll').waitFor({ timeout: 45_000 });
    assert.match(await answer('Monday').innerText(), /0 votes/);
    assert.match(await answer('Friday').innerText(), /2 votes/);
    assert.equal(await answer('Monday').isDisabled(), true, 'no voting once it ended');
  });

  it('picks an emoji from the picker and completes a :shortcode:', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('Party ');
    await page.getByTestId('composer-emoji').click();
    const picker = page.getByTestId('emoji-picker');
    await picker.getByTestId('emoji-option').first().waitFor({ timeout: 30_000 });
    await shots('emoji-picker');
    await picker.getByTestId('emoji-search').fill('tada');
    await picker.getByTestId('emoji-option').first().waitFor();
    await picker.getByTestId('emoji-search').press('Enter');
    await picker.waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), 'Party 🎉');

    await composer.pressSequentially(' :thumbsu');
    await page.getByTestId('composer-suggestion').first().waitFor({ timeout: 30_000 });
    await composer.press('Tab');
    // emojibase writes 👍 with the emoji presentation selector (U+FE0F), as the keyboard emoji pickers do.
    assert.match(await composer.inputValue(), /^Party 🎉 👍\uFE0F?$/u);
    await composer.press('Enter');
    await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('Party 🎉 👍'), 45_000);
  });

  it('lays a side panel over the timeline in a narrow window: focus moves in and back, Esc and × close it', async () => {
    const frame = page.locator('.timeline-frame');
    const width = async () => (await frame.boundingBox())!.width;
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label') ?? '');
    const members = page.getByTestId('member-list');

    // Wide: the timeline makes room for the panel, and the focus stays where it was.
    const wide = await width();
    await page.getByTestId('open-members').click();
    await members.waitFor();
    assert.ok(await width() < wide - 200, 'beside the timeline, the panel takes its share of the width');
    assert.equal(await members.evaluate((el) => getComputedStyle(el).boxShadow), 'none');
    await page.getByTestId('open-members').click();
    await members.waitFor({ state: 'detached' });

    // Narrow: the panel lies over the timeline, which keeps its width, with a shadow along its edge.
    await page.setViewportSize({ width: 800, height: 600 });
    const narrow = await width();
    // By keyboard this time: the focus ring shows on the panel's × in the screenshots.
    await page.getByTestId('open-members').focus();
    await page.keyboard.press('Enter');
    await members.waitFor();
    assert.equal(await width(), narrow, 'the timeline keeps its width under the panel');
    assert.notEqual(await members.evaluate((el) => getComputedStyle(el).boxShadow), 'none');
    const over = (await members.boundingBox())!;
    const under = (await frame.boundingBox())!;
    assert.ok(over.x > under.x + 40 && over.x + over.width <= under.x + under.width + 1, 'the panel covers the timeline\'s right side, a strip of it still in view');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Close members', undefined, { timeout: 30_000 });
    await shots('narrow-members');
    await page.setViewportSize({ width: 800, height: 600 });
    await page.keyboard.press('Escape');
    await members.waitFor({ state: 'detached' });
    assert.equal(await focused(), 'open-members', 'the focus goes back to the button that opened the panel');

    // Room settings: × closes it, the focus returns to its button; Esc from the composer closes a drawer too. In
    // this room of two the call buttons may fold the panel buttons into the header's menu at this width: then
    // through the menu, and the focus returns to the menu's button.
    const viaMenu = !(await page.getByTestId('open-room-settings').isVisible());
    const openPanel = async (button: string, item: string) => {
      if (!viaMenu) return page.getByTestId(button).click();
      await page.getByTestId('room-header-more').click();
      await page.getByTestId(item).click();
    };
    await openPanel('open-room-settings', 'header-menu-settings');
    const settings = page.getByTestId('room-settings');
    await settings.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Close room settings', undefined, { timeout: 30_000 });
    await shots('narrow-settings');
    await page.setViewportSize({ width: 800, height: 600 });
    await settings.getByRole('button', { name: 'Close room settings' }).click();
    await settings.waitFor({ state: 'detached' });
    assert.equal(await focused(), viaMenu ? 'room-header-more' : 'open-room-settings');
    await openPanel('open-search', 'header-menu-search');
    const search = page.getByTestId('room-search');
    await search.waitFor();
    await page.getByTestId('composer').focus();
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
