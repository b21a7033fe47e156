/**
 * A message's edit history as a person opens it, in Chromium against Synapse through the web host. Bob edits his
 * message twice, the second time with HTML that carries a script and an event handler; Alice (over the API) sends an
 * m.replace of his message too, which the spec says to ignore. Clicking "(edited)", or *View edit history* in the
 * message's options menu, lists Bob's three versions newest first under his name, the words each changed marked, the
 * HTML as the backend sanitized it, and nothing of Alice's. In Alice's encrypted room she edits her own message from
 * the composer: the history shows both versions decrypted, while the server holds only ciphertext. Lattice talks to
 * Synapse through a loopback proxy that can fail or slow down the server's list of a message's edits: the history
 * then shows the versions this device has under a note that says why, and "Try again" shows it loading, then the list
 * without the note (test/integration/edit-history.test.ts has edits that only that list holds). Screenshots in both
 * themes, wide and narrow, go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startProxy, type TestProxy } from '../harness/http-proxy.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, serverSays, sizedShots, startWebUi, type WebUi, messageWith, sendAndEditFromComposer } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

describe('edit history against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let sealedId: string;
  let lunch: string;
  let hijack: string;
  let ui: WebUi;
  let page: Page;
  let proxy: TestProxy;

  before(async () => {
    hs = await startSynapse();
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Edits E2E'));
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    lunch = await bob.sendText(roomId, 'Lunch at noon in the canteen');
    const replace = (content: Record<string, unknown>) => ({
      ...content, body: `* ${String(content.body)}`, 'm.new_content': content, 'm.relates_to': { rel_type: 'm.replace', event_id: lunch },
    });
    await bob.sendEvent(roomId, 'm.room.message', replace({ msgtype: 'm.text', body: 'Lunch at one in the canteen' }));
    // Alice's replacement comes between Bob's two: by the spec it is no version of his message.
    hijack = await alicePeer.sendEvent(roomId, 'm.room.message', replace({ msgtype: 'm.text', body: 'Lunch is cancelled' }));
    await bob.sendEvent(roomId, 'm.room.message', replace({
      msgtype: 'm.text', body: 'Lunch at one in the park',
      format: 'org.matrix.custom.html',
      formatted_body: 'Lunch at <b>one</b> in the <em onmouseover="window.pwned=1">park</em><script>window.pwned=2</script>',
    }));
    sealedId = await alicePeer.createRoom({ name: 'Sealed' });
    await alicePeer.setState(sealedId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    await hs.disableRateLimits(bob.userId);
    proxy = await startProxy(hs.baseUrl);
    // Lattice signs in through the proxy; the peers talk to Synapse directly.
    ui = await startWebUi('edit-history', { hs: { ...hs, baseUrl: proxy.url }, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await proxy?.close();
    await hs?.stop();
  });

  const message = (text: string) => messageWith(page, text);
  const dialog = () => page.getByTestId('edit-history-dialog');
  const versions = () => dialog().getByTestId('edit-version');

  async function close(): Promise<void> {
    await dialog().getByTestId('dialog-submit').click();
    await dialog().waitFor({ state: 'detached' });
  }

  it('lists Bob\'s versions newest first with the changes marked, sanitized, and not Alice\'s replacement', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    const bobs = message('in the park');
    await bobs.waitFor(WAIT);
    await bobs.getByTestId('message-edited').click();
    await versions().nth(2).waitFor(WAIT);

    assert.equal(await versions().count(), 3, 'the original and Bob\'s two edits; Alice\'s m.replace is not one');
    assert.deepEqual(await versions().getByTestId('edit-version-body').allInnerTexts(), [
      // Each marked against the one before: "canteen" gave way to "park", "noon" to "one".
      'Lunch at one in the canteen park',
      'Lunch at noon one in the canteen',
      'Lunch at noon in the canteen',
    ]);
    assert.equal(await dialog().getByText('Lunch is cancelled').count(), 0);
    assert.ok(!(await versions().evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id')))).includes(hijack));
    assert.deepEqual(await versions().evaluateAll((els) => els.map((e) => e.querySelector('.edit-version-sender')?.textContent)), ['Bob', 'Bob', 'Bob']);
    assert.deepEqual(await versions().evaluateAll((els) => els.map((e) => e.querySelector('.edit-version-tag')?.textContent ?? '')), ['Current', '', 'Original']);
    assert.equal(await versions().last().getAttribute('data-event-id'), lunch);

    const newest = versions().first().getByTestId('edit-version-body');
    assert.deepEqual(await newest.locator('ins.edit-added').allInnerTexts(), ['park']);
    assert.deepEqual(await newest.locator('del.edit-removed').allInnerTexts(), ['canteen']);
    assert.equal(await newest.locator('b').innerText(), 'one', 'the HTML is rendered');
    // What the backend's sanitizer let through, and no more: no script, no handler.
    assert.equal(await newest.locator('script').count(), 0);
    assert.equal(await newest.locator('[onmouseover]').count(), 0);
    await newest.locator('em').hover();
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    const middle = versions().nth(1).getByTestId('edit-version-body');
    assert.deepEqual(await middle.locator('ins.edit-added').allInnerTexts(), ['one']);
    assert.deepEqual(await middle.locator('del.edit-removed').allInnerTexts(), ['noon']);
    assert.equal(await versions().last().locator('ins, del').count(), 0, 'the original has nothing to compare with');

    // The timeline still shows Bob's latest words, not Alice's.
    assert.equal(await message('Lunch is cancelled').count(), 0);
    await sizedShots(page, (theme, size) => `edit-history-${theme}-${size}.png`, async (label) => {
      const box = await dialog().boundingBox();
      const vp = page.viewportSize();
      assert.ok(box && vp && box.x >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height, `${label}: the dialog fits the window`);
    });
    await close();
  });

  it('opens from the options menu of an edited message only', async () => {
    await message('in the park').hover();
    await message('in the park').getByTestId('action-more').click();
    await page.getByTestId('action-edit-history').click();
    await versions().nth(2).waitFor(WAIT);
    await close();

    await bob.sendText(roomId, 'Never edited');
    await message('Never edited').waitFor(WAIT);
    await message('Never edited').hover();
    await message('Never edited').getByTestId('action-more').click();
    await page.getByTestId('message-menu').waitFor();
    assert.equal(await page.getByTestId('action-edit-history').count(), 0);
    assert.equal(await message('Never edited').getByTestId('message-edited').count(), 0);
    await page.keyboard.press('Escape');
  });

  it('says so when the server cannot be asked for the edits, and tries again', async () => {
    const tea = await bob.sendText(roomId, 'Tea at four');
    const teaEdit = (body: string) => bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: tea },
    });
    await teaEdit('Tea at five');
    await teaEdit('Tea at six');
    const teaRow = message('Tea at six');
    await teaRow.getByTestId('message-edited').waitFor(WAIT);

    // The server's list of edits fails once: the versions this device has, under a note that says why.
    proxy.inject(/\/relations\//, 502, { errcode: 'M_UNKNOWN', error: 'Bad gateway' }, 1);
    await teaRow.getByTestId('message-edited').click();
    const partial = dialog().getByTestId('edit-history-partial');
    await partial.waitFor(WAIT);
    const all = ['Tea at five six', 'Tea at four five', 'Tea at four'];
    assert.deepEqual(await versions().getByTestId('edit-version-body').allInnerTexts(), all);
    assert.equal(await partial.locator('p').innerText(), 'Showing the versions this device received. The homeserver could not be asked for the others, '
      + 'so an edit made while Lattice was not syncing may be missing. The homeserver could not list the message\'s edits: Bad gateway');
    await sizedShots(page, (theme, size) => `edit-history-partial-${theme}-${size}.png`, async (label) => {
      const box = await partial.boundingBox();
      const vp = page.viewportSize();
      assert.ok(box && vp && box.x >= 0 && box.x + box.width <= vp.width, `${label}: the note fits the window`);
    });

    // Try again, the server slow to answer: loading meanwhile, then the list without the note.
    proxy.delay(/\/relations\//, 5000);
    await partial.getByRole('button', { name: 'Try again' }).click();
    await dialog().getByTestId('edit-history-loading').waitFor();
    await sizedShots(page, (theme, size) => `edit-history-loading-${theme}-${size}.png`);
    await versions().nth(2).waitFor(WAIT);
    proxy.clearDelays();
    assert.deepEqual(await versions().getByTestId('edit-version-body').allInnerTexts(), all);
    assert.equal(await partial.count(), 0, 'no note once the server answered');
    assert.ok(proxy.log.filter((l) => l.path.includes('/relations/')).length >= 2, 'the dialog asked the server');
    await close();
  });

  it('shows an encrypted message\'s versions decrypted', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${sealedId}"]`).click(WAIT);
    const edited = await sendAndEditFromComposer(page, 'The code word is apple', 'The code word is pear');
    // Synapse holds only ciphertext: what the dialog shows was decrypted by Lattice.
    await serverSays('both messages are on the server, encrypted', async () => (await alicePeer.messages(sealedId, { limit: 20 })).chunk
      .filter((e) => e.sender === alice.userId && e.state_key === undefined).map((e) => e.type),
    (types) => types.length === 2 && types.every((t) => t === 'm.room.encrypted'));

    await edited.getByTestId('message-edited').click();
    await versions().nth(1).waitFor(WAIT);
    assert.deepEqual(await versions().getByTestId('edit-version-body').allInnerTexts(), [
      'The code word is apple pear',
      'The code word is apple',
    ]);
    assert.deepEqual(await versions().evaluateAll((els) => els.map((e) => e.querySelector('.edit-version-sender')?.textContent)), ['Alice', 'Alice']);
    await close();
  });
});
