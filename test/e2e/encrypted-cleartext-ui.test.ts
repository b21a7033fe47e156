/**
 * What the room's side views say of a message in an encrypted room, in Chromium against Synapse through the web
 * host. The store keeps such a message as the server sent it (m.room.encrypted, ciphertext in `content`) with its
 * cleartext in `decrypted`: the views that read `content` showed nothing or "m.room.encrypted". Alice sends a
 * message in her encrypted room and waits for its remote echo (View source shows it decrypted); then the reply bar
 * quotes her words, search and the pinned panel list them, and her reaction shows as hers and is taken back by a
 * second click (not sent twice); deleting a message shows it deleted, its words gone, also after a reload (the
 * cleartext was kept beside the redacted ciphertext, and the timeline showed it). Screenshots of the reply bar, the search result and the pinned panel in both themes
 * go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { serverSays, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };
const WORDS = 'Meet by the old lighthouse at dawn';

describe('an encrypted room\'s messages in the reply bar, search, pins and reactions', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    roomId = await alicePeer.createRoom({ name: 'Lighthouse' });
    await alicePeer.setState(roomId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    ui = await startWebUi('encrypted-cleartext', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });

  /**
   * Sends `text` from the composer and waits until the store holds its remote echo: the server's m.room.encrypted
   * event, decrypted (View source then shows both forms). Sync delivers events in order, so whatever was sent before
   * it has come back too.
   */
  async function sendAndAwaitEcho(text: string): Promise<void> {
    const composer = page.getByTestId('composer');
    await composer.fill(text);
    await composer.press('Enter');
    const row = message(text);
    await row.and(page.locator('[data-send-state="sent"]')).waitFor(WAIT);
    await serverSays(`the remote echo of "${text}" is stored decrypted`, async () => {
      await row.hover();
      await row.getByTestId('action-more').click();
      await page.getByTestId('action-source').click();
      const dialog = page.getByTestId('source-dialog');
      await dialog.waitFor();
      const decrypted = await dialog.getByTestId('source-decrypted').count();
      const original = await dialog.getByTestId('source-original').innerText();
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      return { decrypted, encrypted: original.includes('"m.room.encrypted"') };
    }, (s) => s.decrypted === 1 && s.encrypted);
  }

  it('quotes the message in the reply bar', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await sendAndAwaitEcho(WORDS);
    const row = message(WORDS);
    await row.hover();
    await row.getByTestId('action-reply').click();
    const bar = page.getByTestId('composer-mode');
    await bar.waitFor();
    assert.equal(await bar.locator('.composer-mode-text').innerText(), `Replying to Alice: ${WORDS}`);
    await themeShots(page, 'encrypted-cleartext', 'reply-bar');
    await page.getByTestId('composer').press('Escape');
    await bar.waitFor({ state: 'detached' });
  });

  it('lists the message\'s words in search results', async () => {
    await page.getByTestId('open-search').click();
    const panel = page.getByTestId('room-search');
    await panel.getByTestId('room-search-input').fill('lighthouse');
    await panel.getByTestId('room-search-submit').click();
    const result = panel.getByTestId('room-search-result');
    await result.first().waitFor(WAIT);
    assert.equal(await result.count(), 1);
    const text = await result.locator('.panel-result-text').innerText();
    assert.equal(text, WORDS, 'the cleartext, not the event type');
    assert.equal(await result.locator('mark').innerText(), 'lighthouse');
    await themeShots(page, 'encrypted-cleartext', 'search');
  });

  it('lists the message\'s words in the pinned panel', async () => {
    const row = message(WORDS);
    await row.hover();
    await row.getByTestId('action-pin').click();
    await page.getByTestId('open-pinned').click();
    const item = page.getByTestId('pinned-panel').getByTestId('pinned-message');
    await item.waitFor(WAIT);
    await page.waitForFunction(() => document.querySelector('[data-testid="pinned-message"] .panel-result-text')?.textContent !== '', null, WAIT);
    assert.equal(await item.locator('.panel-result-text').innerText(), WORDS);
    await themeShots(page, 'encrypted-cleartext', 'pinned');
  });

  it('shows our reaction as ours once it came back encrypted, and takes it back on a second click', async () => {
    const row = message(WORDS);
    await row.hover();
    await row.getByTestId('react').first().click();
    const chip = row.getByTestId('reaction');
    await chip.waitFor(WAIT);
    const key = await chip.locator('.reaction-key').innerText();
    // Another message after it: once that one's remote echo is stored, the reaction's is too.
    await sendAndAwaitEcho('Bring a torch');
    assert.equal(await chip.getAttribute('aria-pressed'), 'true', 'the reaction, now m.room.encrypted, is still ours');
    await chip.click();
    await chip.waitFor({ state: 'detached', ...WAIT });
    const sent = await serverSays('our reaction is redacted on the server', async () => (await alicePeer.messages(roomId, { limit: 30 })).chunk
      .filter((e) => e.sender === alice.userId && e.state_key === undefined),
    (events) => events.some((e) => e.type === 'm.room.redaction'));
    // Two messages and one reaction (its ciphertext redacted), not a second reaction in place of taking it back.
    assert.equal(sent.filter((e) => e.type === 'm.room.encrypted').length, 3, `one ${key} reaction was sent`);
    assert.equal(sent.filter((e) => e.type === 'm.room.encrypted' && e.unsigned?.redacted_because).length, 1);
  });

  it('shows a deleted message as deleted, without its words, also after a reload', async () => {
    const words = 'The spare key is under the third stone';
    await sendAndAwaitEcho(words);
    const row = message(words);
    const eventId = await row.getAttribute('data-event-id');
    assert.ok(eventId);
    await row.hover();
    await row.getByTestId('action-delete').click();
    await row.getByTestId('action-delete-confirm').click();
    const gone = page.locator(`[data-event-id="${eventId}"]`);
    await gone.getByTestId('message-deleted').waitFor(WAIT);
    assert.equal(await gone.innerText().then((t) => t.includes('spare key')), false, 'its words are gone');
    await page.reload();
    await gone.getByTestId('message-deleted').waitFor(WAIT);
    assert.equal(await page.getByText('The spare key').count(), 0, 'nor do they come back from the database');
  });
});
