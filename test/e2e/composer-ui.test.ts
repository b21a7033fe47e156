/**
 * The composer and message actions as a person uses them, in Chromium against Synapse through the web host:
 * reply, edit with ↑, react, delete, slash-command and mention autocomplete, typing on after a picked emoji (with
 * frames drawn late, as under load), typing notifications and drafts that survive a reload, and the member panel
 * (avatars, the filter, inviting). A second user (Bob) checks what actually reached the homeserver. The DM and invite
 * dialogs find people as they are typed: Bob from the room Alice shares with him, Carol and Dave from the homeserver's
 * user directory (they are in a public room Alice is not in); before anything is typed they offer the recent people
 * (Bob, first from that room, then as her DM partner).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { solidPng } from '../harness/png.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, sizedShots, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

describe('composer and message actions against Synapse', () => {
  let ui: WebUi;
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let carol: TestUser;
  let dave: TestUser;
  let roomId: string;
  let page: Page;

  before(async () => {
    ui = await startWebUi('composer');
    ({ hs, page } = ui);
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await bob.createRoom({ name: 'Composer E2E', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(roomId);
    await bob.sendText(roomId, 'Question from Bob');
    // Two people Alice shares no room with, in a public room: Synapse's user directory finds them for her.
    carol = await hs.registerUser('carol', 'carol-password', { displayname: 'Carol' });
    dave = await hs.registerUser('dave', 'dave-password', { displayname: 'Dave Bobson' });
    const lobby = await bob.createRoom({ name: 'Lobby', preset: 'public_chat' });
    await new MatrixPeer(hs.baseUrl, carol).join(lobby);
    await new MatrixPeer(hs.baseUrl, dave).join(lobby);
  });
  after(async () => {
    await ui?.stop();
  });

  async function openRoom(): Promise<void> {
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click();
    await page.getByTestId('room-header').filter({ hasText: 'Composer E2E' }).waitFor();
  }
  // By the message's own text: a reply's row also shows the message it quotes, which must not match here.
  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  // A person the DM or invite dialog found, and the order they are offered in.
  const person = (userId: string) => page.locator(`[data-testid="people-option"][data-user-id="${userId}"]`);
  const peopleOffered = () => page.getByTestId('people-option').evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id')));

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 30_000 });
    await openRoom();
    await message('Question from Bob').waitFor({ timeout: 30_000 });
  });

  it('grows the composer with a multi-line draft in a browser that cannot size a textarea by its content', async () => {
    // Such a browser, made from this one: CSS.supports says no, and the property does nothing.
    await page.evaluate(() => {
      const supports = CSS.supports.bind(CSS);
      CSS.supports = (a: string, b?: string) => (a === 'field-sizing' ? false : b === undefined ? supports(a) : supports(a, b));
      const style = document.createElement('style');
      style.id = 'no-field-sizing';
      style.textContent = '.composer-input { field-sizing: fixed !important; }';
      document.head.append(style);
    });
    const composer = page.getByTestId('composer');
    try {
      const oneLine = await composer.evaluate((el) => el.getBoundingClientRect().height);
      await composer.fill('one\ntwo\nthree\nfour');
      const fourLines = await composer.evaluate((el) => el.getBoundingClientRect().height);
      assert.ok(fourLines >= oneLine + 3 * 18, `four lines take their height (${oneLine}px for one, ${fourLines}px for four)`);
      await composer.fill('');
      const emptied = await composer.evaluate((el) => el.getBoundingClientRect().height);
      // Within a pixel: the fallback sizes it from scrollHeight, a whole number, where the line's own height may not be.
      assert.ok(Math.abs(emptied - oneLine) < 1, `and it shrinks back when emptied (${emptied}px, ${oneLine}px before)`);
    } finally {
      await page.evaluate(() => document.getElementById('no-field-sizing')?.remove());
    }
  });

  it('replies to a message from its toolbar, with the relation and a mention of the sender', async () => {
    await message('Question from Bob').hover();
    await message('Question from Bob').getByTestId('action-reply').click();
    await page.getByTestId('composer-mode').filter({ hasText: /Replying to Bob/ }).waitFor();
    await page.getByTestId('composer').fill('An answer from Alice');
    await page.getByTestId('composer').press('Enter');
    const reply = await bob.waitForMessage(roomId, (e) => e.content.body === 'An answer from Alice', 45_000);
    const rel = reply.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id: string } };
    assert.ok(rel['m.in_reply_to']?.event_id.startsWith('$'));
    assert.deepEqual((reply.content['m.mentions'] as { user_ids: string[] }).user_ids, [bob.userId]);
    assert.equal(await page.getByTestId('composer-mode').count(), 0, 'reply mode ends with the send');
  });

  it('edits the last own message with ↑, and Esc cancels an edit', async () => {
    // Sent, so it has an event ID an edit can point at (↑ skips a message that is still sending).
    await message('An answer from Alice').and(page.locator('[data-send-state="sent"]')).waitFor({ timeout: 30_000 });
    const composer = page.getByTestId('composer');
    await composer.press('ArrowUp');
    await page.getByTestId('composer-mode').filter({ hasText: 'Editing' }).waitFor();
    assert.equal(await composer.inputValue(), 'An answer from Alice');
    await composer.press('Escape');
    assert.equal(await page.getByTestId('composer-mode').count(), 0);
    assert.equal(await composer.inputValue(), '');

    await composer.press('ArrowUp');
    await composer.fill('An improved answer');
    await composer.press('Enter');
    const edit = await bob.waitForMessage(roomId, (e) => e.content.body === '* An improved answer', 45_000);
    assert.equal((edit.content['m.relates_to'] as { rel_type: string }).rel_type, 'm.replace');
    assert.equal((edit.content['m.new_content'] as { body: string }).body, 'An improved answer');
  });

  it('reacts with a quick emoji and deletes its own message after confirming', async () => {
    const bobs = message('Question from Bob');
    await bobs.hover();
    await bobs.getByRole('button', { name: 'React with 👍' }).click();
    const reaction = await bob.waitForMessage(roomId, (e) => e.type === 'm.reaction', 45_000);
    assert.equal((reaction.content['m.relates_to'] as { key: string }).key, '👍');
    assert.equal(await bobs.getByTestId('action-delete').count(), 0, 'no power to delete Bob\'s message');

    await page.getByTestId('composer').fill('delete me');
    await page.getByTestId('composer').press('Enter');
    const mine = message('delete me');
    await mine.and(page.locator('[data-send-state="sent"]')).waitFor({ timeout: 45_000 });
    await mine.hover();
    await mine.getByTestId('action-delete').click();
    await shot(page, path.join(ARTIFACTS, 'message-actions.png'));
    await mine.getByTestId('action-delete-confirm').click();
    await bob.waitForMessage(roomId, (e) => e.type === 'm.room.redaction', 45_000);
  });

  it('autocompletes slash commands with help, and members as mention pills', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('');
    await composer.pressSequentially('/my');
    const list = page.getByTestId('composer-suggestions');
    await list.waitFor();
    assert.match(await list.innerText(), /\/myroomnick/);
    await shot(page, path.join(ARTIFACTS, 'composer-slash.png'));
    await composer.fill('');
    await composer.pressSequentially('hello @bo');
    await page.getByTestId('composer-suggestion').filter({ hasText: bob.userId }).waitFor();
    await composer.press('Tab');
    assert.equal(await composer.inputValue(), `hello [Bob](https://matrix.to/#/${bob.userId}) `);
    await composer.press('Enter');
    const sent = await bob.waitForMessage(roomId, (e) => String(e.content.body).startsWith('hello'), 45_000);
    assert.match(String(sent.content.formatted_body), new RegExp(`href="https://matrix.to/#/${bob.userId}"`));
    assert.deepEqual((sent.content['m.mentions'] as { user_ids: string[] }).user_ids, [bob.userId]);
  });

  it('types on after a picked emoji, also when the page draws its frames late', async () => {
    // On a busy machine a frame can come long after the next key press: the caret after the emoji must be in place
    // before that key, not moved back there by a late frame, which left the typed `:thumbsu` behind the caret (no
    // suggestion) or split around it. Frames are held half a second here, as under load.
    const composer = page.getByTestId('composer');
    await composer.fill('Party ');
    await page.evaluate(() => {
      const w = window as Window & { realRaf?: typeof requestAnimationFrame; realCaf?: typeof cancelAnimationFrame };
      w.realRaf = window.requestAnimationFrame.bind(window);
      w.realCaf = window.cancelAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => window.setTimeout(() => cb(performance.now()), 500);
      window.cancelAnimationFrame = (id) => window.clearTimeout(id);
    });
    try {
      await page.getByTestId('composer-emoji').click();
      const picker = page.getByTestId('emoji-picker');
      await picker.getByTestId('emoji-search').fill('tada');
      await picker.getByTestId('emoji-option').first().waitFor();
      await picker.getByTestId('emoji-search').press('Enter');
      await picker.waitFor({ state: 'detached' });
      await composer.pressSequentially(' :thumbsu');
      // Past the frame the pick asked for.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      const [value, caret] = await composer.evaluate((el: HTMLTextAreaElement) => [el.value, el.selectionStart] as const);
      assert.equal(value, 'Party 🎉 :thumbsu');
      assert.equal(caret, value.length, 'the caret is after what was typed');
      await page.getByTestId('composer-suggestion').first().waitFor();
      await composer.press('Tab');
      assert.match(await composer.inputValue(), /^Party 🎉 👍\uFE0F?$/u);
    } finally {
      await page.evaluate(() => {
        const w = window as Window & { realRaf?: typeof requestAnimationFrame; realCaf?: typeof cancelAnimationFrame };
        if (w.realRaf) window.requestAnimationFrame = w.realRaf;
        if (w.realCaf) window.cancelAnimationFrame = w.realCaf;
      });
      await composer.fill('');
    }
  });

  it('tells others we are typing, and keeps a draft across a reload', async () => {
    await page.getByTestId('composer').pressSequentially('half a thought');
    for (let i = 0; ; i++) {
      const state = await bob.request('GET', `/_matrix/client/v3/sync?timeout=0`);
      const typing = (state.rooms?.join?.[roomId]?.ephemeral?.events ?? []) as { type: string; content: { user_ids: string[] } }[];
      if (typing.some((e) => e.type === 'm.typing' && e.content.user_ids.includes(alice.userId))) break;
      assert.ok(i < 40, 'Alice never showed as typing');
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.reload();
    await openRoom();
    assert.equal(await page.getByTestId('composer').inputValue(), 'half a thought');
  });

  it('creates a room, starts a DM, joins by alias and leaves after confirming', async () => {
    await page.getByTestId('open-create-room').click();
    await page.getByTestId('create-room-name').fill('Made in Lattice');
    await page.getByTestId('create-room-topic').fill('A room from the dialog');
    await shot(page, path.join(ARTIFACTS, 'create-room-dialog.png'));
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('room-header').filter({ hasText: 'Made in Lattice' }).waitFor({ timeout: 45_000 });
    assert.match(await page.getByTestId('room-header').innerText(), /A room from the dialog/);

    // Typing finds Bob at once from the room Alice shares with him, then Dave Bobson from the user directory once
    // the typing pauses; Bob, whom the directory finds too, is offered once.
    await page.getByTestId('open-start-dm').click();
    const dmField = page.getByTestId('start-dm-user');
    // Before anything is typed the recent people are offered: Bob, from the room Alice shares with him (Carol and
    // Dave she does not know). None is chosen until ↓ chooses one.
    await page.getByTestId('people-recent').waitFor();
    assert.deepEqual(await peopleOffered(), [bob.userId]);
    assert.equal(await person(bob.userId).getAttribute('data-source'), 'room');
    assert.equal(await person(bob.userId).getAttribute('aria-selected'), 'false');
    await dmField.press('ArrowDown');
    assert.equal(await person(bob.userId).getAttribute('aria-selected'), 'true');
    await dmField.fill('bob');
    await person(bob.userId).waitFor();
    assert.equal(await person(bob.userId).getAttribute('data-source'), 'room');
    await person(dave.userId).waitFor({ timeout: 30_000 });
    assert.equal(await person(dave.userId).getAttribute('data-source'), 'directory');
    await page.getByTestId('people-searching').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(await peopleOffered(), [bob.userId, dave.userId]);
    assert.match(await person(dave.userId).innerText(), new RegExp(`Dave Bobson\\s+${dave.userId}`));
    await sizedShots(page, (theme, size) => `start-dm-people-${theme}-${size}.png`);
    // ↓ and ↑ move through them; Enter picks the one chosen.
    assert.equal(await person(bob.userId).getAttribute('aria-selected'), 'true', 'the first is chosen');
    await dmField.press('ArrowDown');
    assert.equal(await person(dave.userId).getAttribute('aria-selected'), 'true');
    await dmField.press('ArrowUp');
    await dmField.press('Enter');
    await page.locator(`[data-testid="people-chip"][data-user-id="${bob.userId}"]`).waitFor();
    assert.equal(await dmField.inputValue(), '');
    assert.equal(await page.getByTestId('dialog-submit').innerText(), 'Start chat');
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('start-dm-dialog').waitFor({ state: 'detached', timeout: 45_000 });
    // The dialog opens the new room; its invite to Bob says the room is direct.
    const dmRoom = decodeURIComponent(new URL(page.url()).hash.replace('#/room/', ''));
    assert.match(dmRoom, /^!/);
    const member = await new MatrixPeer(hs.baseUrl, alice).request('GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(dmRoom)}/state/m.room.member/${encodeURIComponent(bob.userId)}`) as { membership: string; is_direct?: boolean };
    assert.equal(member.membership, 'invite');
    assert.equal(member.is_direct, true);

    // Bob is a DM partner now, first among the recent people, with his chat to open.
    await page.getByTestId('open-start-dm').click();
    await person(bob.userId).and(page.locator('[data-source="dm"]')).getByTestId('people-option-note').filter({ hasText: 'Open your chat' }).waitFor({ timeout: 30_000 });
    assert.equal((await peopleOffered())[0], bob.userId);
    await sizedShots(page, (theme, size) => `start-dm-recent-${theme}-${size}.png`);
    // Nobody found is said; a whole user ID typed is still offered. Bob again: the DM just made opens, no second one.
    await dmField.fill('zz-nobody');
    await page.getByTestId('people-empty').filter({ hasText: 'No one found for “zz-nobody”.' }).waitFor({ timeout: 30_000 });
    const stranger = `@zed:${bob.userId.split(':').slice(1).join(':')}`;
    await dmField.fill(stranger);
    await person(stranger).filter({ hasText: `Use ${stranger}` }).waitFor();
    await dmField.fill('BOB');
    await person(bob.userId).getByTestId('people-option-note').filter({ hasText: 'Open your chat' }).waitFor({ timeout: 30_000 });
    // Emptied, the field offers the recent people again, none chosen; ↓ and Enter pick Bob among them.
    await dmField.fill('');
    await page.getByTestId('people-recent').waitFor();
    assert.equal(await page.locator('[data-testid="people-option"][aria-selected="true"]').count(), 0);
    await dmField.press('ArrowDown');
    await dmField.press('Enter');
    await page.getByTestId('start-dm-existing').waitFor();
    assert.equal(await page.getByTestId('dialog-submit').innerText(), 'Open chat');
    const rooms = await page.getByTestId('room-item').count();
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('start-dm-dialog').waitFor({ state: 'detached', timeout: 45_000 });
    assert.equal(decodeURIComponent(new URL(page.url()).hash.replace('#/room/', '')), dmRoom, 'the DM Alice has');
    assert.equal(await page.getByTestId('room-item').count(), rooms, 'no new room');

    const { room_id: publicRoom } = await bob.request('POST', '/_matrix/client/v3/createRoom',
      { name: 'Bob Public', preset: 'public_chat', room_alias_name: 'bobpublic' }) as { room_id: string };
    await page.getByTestId('open-join-room').click();
    await page.getByTestId('join-room-target').fill('#nope:localhost');
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('dialog-error').waitFor({ timeout: 45_000 });
    const server = bob.userId.split(':').slice(1).join(':');
    // An address on our own server that nobody has taken: one sentence, not "not found: Room alias ... not found".
    await page.getByTestId('join-room-target').fill(`#nope:${server}`);
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('dialog-error').filter({ hasText: `There is no room at #nope:${server}. Check the address.` }).waitFor({ timeout: 45_000 });
    assert.equal(await page.getByTestId('dialog-error').innerText(), `There is no room at #nope:${server}. Check the address.`);
    await page.getByTestId('join-room-target').fill(`#bobpublic:${server}`);
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('room-header').filter({ hasText: 'Bob Public' }).waitFor({ timeout: 45_000 });

    await page.getByTestId('open-leave-room').click();
    await page.getByTestId('leave-room-dialog').waitFor();
    await page.getByTestId('dialog-submit').click();
    await page.locator(`[data-testid="room-item"][data-room-id="${publicRoom}"]`).waitFor({ state: 'detached', timeout: 45_000 });
  });

  it('lists members by power level in the right panel, with avatars, a filter and an Invite button', async () => {
    // Bob's member event gets an avatar; Alice has none and shows initials.
    const png = solidPng(64, 64, [30, 120, 200]);
    const upload = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=bob.png`, {
      method: 'POST', headers: { Authorization: `Bearer ${bob.user.accessToken}`, 'Content-Type': 'image/png' }, body: new Uint8Array(png),
    }).then((r) => r.json()) as { content_uri: string };
    const bobMember = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(bob.userId)}`) as Record<string, unknown>;
    await bob.setState(roomId, 'm.room.member', bob.userId, { ...bobMember, avatar_url: upload.content_uri });

    await openRoom();
    await page.getByTestId('open-members').click();
    const list = page.getByTestId('member-list');
    await list.getByTestId('member').nth(1).waitFor({ timeout: 30_000 });
    const ids = () => list.getByTestId('member').evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id')));
    assert.deepEqual(await ids(), [bob.userId, alice.userId], 'Bob (the room creator) first');
    assert.match(await list.innerText(), /Owner|Admin/);
    const row = (userId: string) => list.locator(`[data-testid="member"][data-user-id="${userId}"]`);
    await row(bob.userId).locator('img.avatar').waitFor({ timeout: 30_000 });
    await page.waitForFunction((id) => {
      const img = document.querySelector<HTMLImageElement>(`[data-testid="member"][data-user-id="${id}"] img.avatar`);
      return !!img?.complete && img.naturalWidth > 0;
    }, bob.userId, { timeout: 30_000 });
    assert.equal(await row(alice.userId).locator('.avatar').innerText(), 'A', 'no avatar: her initial');

    // The filter: names and user IDs, any case; Esc clears it before it closes anything.
    const filter = list.getByTestId('member-filter');
    await filter.fill('ALI');
    await list.getByTestId('member').nth(1).waitFor({ state: 'detached' });
    assert.deepEqual(await ids(), [alice.userId]);
    assert.equal(await list.getByTestId('member-heading').innerText(), 'JOINED · 1');
    await filter.fill(`@bob:`);
    await list.locator(`[data-testid="member"][data-user-id="${alice.userId}"]`).waitFor({ state: 'detached' });
    assert.deepEqual(await ids(), [bob.userId], 'by user ID');
    await filter.fill('nobody here');
    await list.getByTestId('member-empty').filter({ hasText: 'No members match' }).waitFor();
    await filter.press('Escape');
    await list.getByTestId('member').nth(1).waitFor();
    assert.equal(await filter.inputValue(), '');
    assert.equal(await list.isVisible(), true, 'Esc cleared the filter and left the panel open');
    await filter.fill('bob');
    await list.getByTestId('member-filter-clear').click();
    await list.getByTestId('member').nth(1).waitFor();
    assert.equal(await filter.inputValue(), '');

    // Alice may invite (the room's invite level is 0): the header's Invite opens the dialog, which finds people as
    // she types; Bob, already in the room, cannot be picked. Carol and Dave, both picked, are invited together.
    await list.getByTestId('member-invite').click();
    await page.getByTestId('invite-dialog').waitFor();
    const inviteField = page.getByTestId('invite-user');
    // Before anything is typed: the recent people, Bob (her DM partner) among them, who is in the room already;
    // ↓ finds no one to choose and Enter picks no one.
    await page.getByTestId('people-recent').waitFor();
    await person(bob.userId).getByTestId('people-option-note').filter({ hasText: 'Already in the room' }).waitFor();
    await inviteField.press('ArrowDown');
    await inviteField.press('Enter');
    assert.equal(await page.getByTestId('people-chip').count(), 0);
    await inviteField.fill('car');
    await person(carol.userId).waitFor({ timeout: 30_000 });
    await inviteField.press('Enter');
    await inviteField.fill('bob');
    await person(bob.userId).getByTestId('people-option-note').filter({ hasText: 'Already in the room' }).waitFor();
    assert.equal(await person(bob.userId).getAttribute('aria-disabled'), 'true');
    await person(dave.userId).waitFor({ timeout: 30_000 });
    await page.getByTestId('people-searching').waitFor({ state: 'detached', timeout: 30_000 });
    await person(bob.userId).click({ force: true }); // past Playwright's own refusal to click what says it is disabled
    assert.equal(await page.getByTestId('people-chip').count(), 1, 'Bob is not picked');
    assert.equal(await person(dave.userId).getAttribute('aria-selected'), 'true', 'the first who can be picked is chosen');
    await inviteField.press('Enter');
    assert.deepEqual(await page.getByTestId('people-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-user-id'))), [carol.userId, dave.userId]);
    assert.equal(await page.getByTestId('dialog-submit').innerText(), 'Invite 2');
    await page.getByTestId('dialog-submit').click();
    await page.getByTestId('invite-dialog').waitFor({ state: 'detached', timeout: 30_000 });
    await row(carol.userId).waitFor({ timeout: 30_000 });
    await row(dave.userId).waitFor({ timeout: 30_000 });
    assert.deepEqual(await list.getByTestId('member-heading').allInnerTexts(), ['JOINED · 2', 'INVITED · 2']);
    for (const invitee of [carol, dave]) {
      const invited = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(invitee.userId)}`) as { membership: string };
      assert.equal(invited.membership, 'invite');
    }
    await shot(page, path.join(ARTIFACTS, 'member-list.png'));

    // Once inviting needs a moderator, the button is gone.
    const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.power_levels/`) as Record<string, unknown>;
    await bob.setState(roomId, 'm.room.power_levels', '', { ...levels, invite: 50 });
    await list.getByTestId('member-invite').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('button', { name: 'Close members' }).click();
  });
});
