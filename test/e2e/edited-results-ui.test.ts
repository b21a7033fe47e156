/**
 * Edited messages in the search and pinned panels, in Chromium against Synapse through the web host: each shows as
 * it reads now (its latest edit), as Element shows it, never as first sent, and is found by its new words once,
 * not by the words an edit took out. Bob's message in the timeline and an older one Alice's sync never held (found
 * on the server, pinned); the pinned list follows an edit and the deletion of that edit while it is open; Alice's
 * own message in an encrypted room, edited from the composer. Screenshots of both panels in both themes, wide and
 * narrow, go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { TestUser } from '../harness/synapse.ts';
import { sizedShots, startWebUi, type WebUi, messageWith, sendAndEditFromComposer } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
const enc = encodeURIComponent;

describe('edited messages in the search and pinned panels against Synapse', () => {
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let sealedId: string;
  let picnic: string;
  let meeting: string;
  let ui: WebUi;
  let page: Page;

  const replace = (target: string, body: string) => ({
    msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: target },
  });

  before(async () => {
    ui = await startWebUi('edited-results', { context: { reducedMotion: 'reduce' } });
    page = ui.page;
    const hs = ui.hs;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await bob.createRoom({ name: 'Plans', invite: [alice.userId] });
    await alicePeer.join(roomId);
    picnic = await bob.sendText(roomId, 'The picnic is on Saturday by the lake');
    await bob.sendEvent(roomId, 'm.room.message', replace(picnic, 'The picnic is on Sunday by the lake'));
    // More than a sync's timeline after it: Alice's first sync holds neither the picnic message nor its edit.
    for (let i = 0; i < 55; i++) await bob.sendText(roomId, `Filler message ${i}`);
    meeting = await bob.sendText(roomId, 'The meeting starts at noon in room four');
    await bob.sendEvent(roomId, 'm.room.message', replace(meeting, 'The meeting starts at three in room four'));
    await bob.setState(roomId, 'm.room.pinned_events', '', { pinned: [picnic, meeting] });
    sealedId = await alicePeer.createRoom({ name: 'Sealed' });
    await alicePeer.setState(sealedId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
  });
  after(async () => {
    await ui?.stop();
  });

  const message = (text: string) => messageWith(page, text);
  const searchPanel = () => page.getByTestId('room-search');
  const results = () => searchPanel().getByTestId('room-search-result');
  const pinnedPanel = () => page.getByTestId('pinned-panel');
  const pinned = () => pinnedPanel().getByTestId('pinned-message');
  const texts = () => results().locator('.panel-result-text').allInnerTexts();

  async function openRoom(id: string): Promise<void> {
    await page.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click(WAIT);
  }

  /** Opens a side panel unless it is open (its button toggles it). */
  async function show(panelTestId: string, button: string): Promise<void> {
    if (await page.getByTestId(panelTestId).count() === 0) await page.getByTestId(button).click();
    await page.getByTestId(panelTestId).waitFor(WAIT);
  }

  /**
   * Searches the open room's stored messages; resolves once the answer to these words is shown: results with the
   * words marked, or "no messages found" naming them.
   */
  async function search(term: string): Promise<void> {
    await searchPanel().getByTestId('room-search-input').fill(term);
    await searchPanel().getByTestId('room-search-submit').click();
    await awaitAnswer(term);
  }

  async function awaitAnswer(term: string): Promise<void> {
    await page.waitForFunction((t) => {
      const panel = document.querySelector('[data-testid="room-search"]');
      const marks = [...panel?.querySelectorAll('[data-testid="room-search-result"] mark') ?? []].map((m) => m.textContent?.toLowerCase());
      const empty = panel?.querySelector('[data-testid="room-search-empty"]')?.textContent ?? '';
      return (marks.length > 0 && marks.every((m) => m === t.toLowerCase())) || empty.includes(`“${t}”`);
    }, term, WAIT).catch(async () => assert.fail(`no answer to "${term}" with the words marked; the results read ${JSON.stringify(await texts())}`));
  }

  it('finds an edited message once by its new words and shows it edited; the words the edit took out find nothing', async () => {
    await ui.signIn(alice, 'alice-password');
    await openRoom(roomId);
    await message('The meeting starts at three').waitFor(WAIT);
    await show('room-search', 'open-search');

    await search('three');
    assert.deepEqual(await texts(), ['The meeting starts at three in room four']);
    assert.equal(await results().getAttribute('data-event-id'), meeting, 'the message, not its edit event');
    assert.deepEqual(await results().locator('mark').allInnerTexts(), ['three']);

    await search('meeting');
    assert.deepEqual(await texts(), ['The meeting starts at three in room four'], 'once, with no "* edited" row');

    await search('noon');
    await searchPanel().getByTestId('room-search-empty').waitFor(WAIT);
    assert.equal(await results().count(), 0);

    // Older than anything synced: only the server finds it, by its edit's words, and it shows as edited.
    await search('Sunday');
    await searchPanel().getByTestId('room-search-empty').waitFor(WAIT);
    await searchPanel().getByTestId('room-search-server').click();
    await results().first().waitFor(WAIT);
    assert.deepEqual(await texts(), ['The picnic is on Sunday by the lake']);
    assert.equal(await results().getAttribute('data-event-id'), picnic);

    await search('three');
    await sizedShots(page, (theme, size) => `edited-search-${theme}-${size}.png`, async (label) => {
      const overflow = await searchPanel().evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(overflow <= 0, `${label}: the search panel overflows sideways by ${overflow}px`);
    });
  });

  it('lists pinned messages as they read now, following an edit and its deletion while open', async () => {
    await show('pinned-panel', 'open-pinned');
    await pinned().nth(1).waitFor(WAIT);
    const pinnedTexts = () => pinned().locator('.panel-result-text').allInnerTexts();
    // Newest pin first; the picnic message was fetched from the server with its latest edit.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="pinned-message"] .panel-result-text')]
      .every((el) => !el.textContent?.includes('noon') && !el.textContent?.includes('Saturday')), undefined, WAIT);
    assert.deepEqual(await pinnedTexts(), ['The meeting starts at three in room four', 'The picnic is on Sunday by the lake']);

    const four = await bob.sendEvent(roomId, 'm.room.message', replace(meeting, 'The meeting starts at four in room four'));
    await pinned().first().filter({ hasText: 'starts at four' }).waitFor(WAIT);
    await sizedShots(page, (theme, size) => `edited-pinned-${theme}-${size}.png`, async (label) => {
      const overflow = await pinnedPanel().evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(overflow <= 0, `${label}: the pinned panel overflows sideways by ${overflow}px`);
    });

    // The latest edit deleted: the one before it counts again, in the list as in the timeline.
    await bob.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(four)}/r1`, {});
    await pinned().first().filter({ hasText: 'starts at three' }).waitFor(WAIT);
    await message('The meeting starts at three').waitFor(WAIT);
    assert.deepEqual(await pinnedTexts(), ['The meeting starts at three in room four', 'The picnic is on Sunday by the lake']);
  });

  it('shows Alice\'s edited message in an encrypted room edited, found and pinned', async () => {
    await openRoom(sealedId);
    const row = await sendAndEditFromComposer(page, 'The code word is apple', 'The code word is pear');
    const original = await row.getAttribute('data-event-id');
    assert.ok(original);

    await row.hover();
    await row.getByTestId('action-pin').click();
    await show('pinned-panel', 'open-pinned');
    await pinned().filter({ hasText: 'The code word is pear' }).waitFor(WAIT);
    assert.equal(await pinned().count(), 1);
    assert.equal(await pinned().getAttribute('data-event-id'), original);

    await show('room-search', 'open-search');
    await search('pear');
    assert.deepEqual(await texts(), ['The code word is pear']);
    assert.equal(await results().getAttribute('data-event-id'), original);
    await search('apple');
    await searchPanel().getByTestId('room-search-empty').waitFor(WAIT);
  });
});
