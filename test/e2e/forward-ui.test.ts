/**
 * Forwarding a message and viewing its source as a person does it, in Chromium against Synapse through the web
 * host. Bob replies to Alice and then edits his reply; Alice forwards it from its options menu to her notes room:
 * what arrives there is the edited text, no longer a reply, and mentioning nobody. Bob's announcements room, where
 * she could speak when the dialog opened, stops her just before she sends: Synapse refuses the copy, and its row says
 * so in words while the other send stands; once he lets her speak again, Try again sends that same copy (one arrives,
 * not two). A room where she may not speak is not offered at all. A message of her encrypted room asks once more
 * before it goes to a room that is not encrypted. View source shows the event as Synapse sent it. Screenshots
 * of both dialogs in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer, type MatrixEvent } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const WAIT = { timeout: 30_000 };

describe('forwarding a message against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let notesId: string;
  let announcementsId: string;
  /** Alice's encrypted room. */
  let sealedId: string;
  let bobsReply: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    hs = await startSynapse();
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Forward E2E'));
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    notesId = await alicePeer.createRoom({ name: 'Alice notes' });
    announcementsId = await bob.createRoom({ name: 'Announcements', invite: [alice.userId] });
    await alicePeer.join(announcementsId);
    const readOnlyId = await bob.createRoom({ name: 'Read only', invite: [alice.userId] });
    await alicePeer.join(readOnlyId);
    await silence(readOnlyId);
    const question = await alicePeer.sendText(roomId, 'When is the meeting?');
    bobsReply = await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: `> <${alice.userId}> When is the meeting?\n\nAt 3pm, Alice`,
      'm.relates_to': { 'm.in_reply_to': { event_id: question } }, 'm.mentions': { user_ids: [alice.userId] },
    });
    await bob.sendEvent(roomId, 'm.room.message', {
      msgtype: 'm.text', body: '* At 4pm in the big room, Alice',
      'm.new_content': { msgtype: 'm.text', body: 'At 4pm in the big room, Alice' },
      'm.relates_to': { rel_type: 'm.replace', event_id: bobsReply },
    });
    sealedId = await alicePeer.createRoom({ name: 'Sealed' });
    await alicePeer.setState(sealedId, 'm.room.encryption', '', { algorithm: 'm.megolm.v1.aes-sha2' });
    ui = await startWebUi('forward', { hs, context: { reducedMotion: 'reduce' } });
    page = ui.page;
  });
  after(async () => {
    await ui?.stop();
    await hs?.stop();
  });

  /** Bob lets only moderators speak in `room` from now on (or, with level 0, everyone again). */
  async function silence(room: string, level = 50): Promise<void> {
    const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.power_levels/`) as Record<string, unknown>;
    await bob.setState(room, 'm.room.power_levels', '', { ...levels, events_default: level });
  }

  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  const row = (id: string) => page.getByTestId('forward-room').and(page.locator(`[data-room-id="${id}"]`));

  async function openMenuItem(text: string, item: string): Promise<void> {
    await message(text).hover();
    await message(text).getByTestId('action-more').click();
    await page.getByTestId(item).click();
  }

  /** The newest m.room.message in `room`, as Synapse has it. */
  async function newestMessage(room: string, peer: MatrixPeer): Promise<MatrixEvent | undefined> {
    const { chunk } = await peer.messages(room, { limit: 20 });
    return chunk.find((e) => e.type === 'm.room.message');
  }

  it('forwards Bob\'s edited reply to her notes as a plain message; a room that refuses it says so', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click(WAIT);
    await message('At 4pm in the big room').waitFor(WAIT);

    await openMenuItem('At 4pm in the big room', 'action-forward');
    const dialog = page.getByTestId('forward-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('forward-preview').innerText(), 'At 4pm in the big room, Alice', 'the edited text, without the quote');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'forward-filter');
    // Every joined room where she may speak is offered, this one too; the read-only room is not.
    for (const id of [roomId, notesId, announcementsId, sealedId]) await row(id).waitFor();
    assert.equal(await dialog.getByTestId('forward-room').count(), 4);
    await themeShots(page, 'forward', 'dialog');

    // Typing filters; Enter neither sends nor closes.
    await page.keyboard.type('notes');
    await page.keyboard.press('Enter');
    assert.deepEqual(await dialog.getByTestId('forward-room').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id'))), [notesId]);
    await row(notesId).getByTestId('forward-send').click();
    await row(notesId).getByTestId('forward-send').filter({ hasText: 'Sent' }).waitFor(WAIT);

    const copy = await newestMessage(notesId, alicePeer);
    assert.ok(copy, 'the copy is in the notes room');
    assert.equal(copy.sender, alice.userId);
    assert.deepEqual(copy.content, { msgtype: 'm.text', body: 'At 4pm in the big room, Alice', 'm.mentions': {} },
      'the edited text, no reply relation or quote, mentioning nobody');

    // Bob's announcements room: he lets only moderators speak from now on. Synapse refuses her copy, and its row says
    // so in words.
    await silence(announcementsId);
    await page.getByTestId('forward-filter').fill('announce');
    await row(announcementsId).getByTestId('forward-send').click();
    const refusal = row(announcementsId).getByRole('alert');
    await refusal.waitFor(WAIT);
    assert.match(await refusal.innerText(), /^Not sent\. .*(permission|allowed|power)/i);
    assert.equal(await row(announcementsId).getByTestId('forward-send').innerText(), 'Try again');
    await themeShots(page, 'forward', 'refused');
    assert.notEqual((await newestMessage(announcementsId, bob))?.sender, alice.userId, 'nothing of hers arrived there');

    // Bob lets everyone speak again; Try again sends the refused copy itself, once (not a second one).
    await silence(announcementsId, 0);
    await row(announcementsId).getByTestId('forward-send').click();
    await row(announcementsId).getByTestId('forward-send').filter({ hasText: 'Sent' }).waitFor(WAIT);
    assert.equal(await refusal.count(), 0, 'the refusal is gone once it went');
    const { chunk } = await bob.messages(announcementsId, { limit: 30 });
    assert.deepEqual(chunk.filter((e) => e.sender === alice.userId && e.type === 'm.room.message').map((e) => e.content.body),
      ['At 4pm in the big room, Alice'], 'one copy arrived');

    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    // The copies show in her rooms like any message she sent, once each.
    for (const id of [notesId, announcementsId]) {
      await page.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click();
      await message('At 4pm in the big room, Alice').waitFor(WAIT);
      assert.equal(await message('At 4pm in the big room, Alice').count(), 1);
      assert.equal(await message('At 4pm in the big room, Alice').getByTestId('reply-quote').count(), 0);
    }
  });

  it('asks once more before an encrypted message goes to a room that is not encrypted', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${sealedId}"]`).click();
    // Typed only once the room has opened: on a busy machine the composer filled could still be the last room's.
    await page.getByTestId('room-header').filter({ hasText: 'Sealed' }).waitFor(WAIT);
    await page.getByTestId('composer').fill('The door code is 4711');
    await page.keyboard.press('Enter');
    const sent = message('The door code is 4711');
    await sent.waitFor(WAIT);
    await page.waitForFunction(() => !document.querySelector('[data-event-id^="~"]'), undefined, WAIT);

    await openMenuItem('The door code is 4711', 'action-forward');
    const dialog = page.getByTestId('forward-dialog');
    await dialog.waitFor();
    // The first Send only says what it would mean; nothing goes.
    await row(notesId).getByTestId('forward-send').click();
    const warning = row(notesId).getByRole('alert');
    await warning.waitFor();
    assert.match(await warning.innerText(), /^Not encrypted: the homeserver and anyone in this room could read the copy\.$/);
    assert.equal(await row(notesId).getByTestId('forward-send').innerText(), 'Send unencrypted');
    // An encrypted room takes it at the first click, with no warning.
    assert.equal(await row(sealedId).getByRole('alert').count(), 0);
    await themeShots(page, 'forward', 'unencrypted-warning');
    assert.notEqual((await newestMessage(notesId, alicePeer))?.content.body, 'The door code is 4711', 'nothing went yet');

    await row(notesId).getByTestId('forward-send').click();
    await row(notesId).getByTestId('forward-send').filter({ hasText: 'Sent' }).waitFor(WAIT);
    assert.equal(await warning.count(), 0);
    const copy = await newestMessage(notesId, alicePeer);
    assert.deepEqual(copy?.content, { msgtype: 'm.text', body: 'The door code is 4711', 'm.mentions': {} }, 'sent in the clear, as she chose');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a message\'s source as Synapse sent it', async () => {
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
    await openMenuItem('When is the meeting?', 'action-source');
    const dialog = page.getByTestId('source-dialog');
    await dialog.waitFor();
    const source = JSON.parse(await dialog.getByTestId('source-original').innerText()) as MatrixEvent;
    assert.equal(source.sender, alice.userId);
    assert.equal(source.type, 'm.room.message');
    assert.deepEqual(source.content, { msgtype: 'm.text', body: 'When is the meeting?' });
    assert.match(source.event_id ?? '', /^\$/);
    assert.equal(await dialog.getByTestId('source-decrypted').count(), 0, 'not encrypted: no decrypted form');
    await themeShots(page, 'forward', 'source');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
