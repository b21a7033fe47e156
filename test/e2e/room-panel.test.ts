/**
 * The room's right panels as a person uses them, in Chromium against Synapse through the web host: room settings
 * (topic and join rule saved as state the homeserver holds; read-only without the power), search in the room
 * (a result jumps to the message in the timeline), and pinned messages (pinned from the toolbar, listed in the
 * panel, held in m.room.pinned_events). Screenshots of each panel in both themes at 1280×800 and 800×600.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { ARTIFACTS, startWebUi, type WebUi } from '../harness/web-ui.ts';
import { shot } from '../harness/shots.ts';

const enc = encodeURIComponent;

describe('room settings, search and pinned panels against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let alicePeer: MatrixPeer;
  let bob: MatrixPeer;
  let roomId: string;
  let bobsRoom: string;
  let needleId: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    ui = await startWebUi('panels');
    hs = ui.hs;
    page = ui.page;
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    alicePeer = new MatrixPeer(hs.baseUrl, alice);
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    roomId = await alicePeer.createRoom({ name: 'Panels E2E', invite: [bob.userId] });
    await bob.join(roomId);
    needleId = await bob.sendText(roomId, 'The quarterly platypus report is ready');
    // Enough after it that the found message starts out of view.
    for (let i = 0; i < 25; i++) await bob.sendText(roomId, `Filler message ${i}`);
    // A room where Alice has no power: its settings are shown, not editable.
    bobsRoom = await bob.createRoom({ name: 'Bob Owns This', invite: [alice.userId] });
    await alicePeer.join(bobsRoom);
  });
  after(async () => {
    await ui?.stop();
  });

  async function openRoom(id: string, name: string): Promise<void> {
    await page.locator(`[data-testid="room-item"][data-room-id="${id}"]`).click();
    await page.getByTestId('room-header').filter({ hasText: name }).waitFor();
  }
  const message = (text: string) => page.getByTestId('message').filter({ has: page.locator('.message-body', { hasText: text }) });
  const state = (type: string, room = roomId) =>
    alicePeer.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/state/${enc(type)}/`) as Promise<Record<string, unknown>>;

  /** Whether a message with this text is inside the timeline's visible area (rendered is not enough: overscan). */
  function inView(text: string): boolean {
    const el = [...document.querySelectorAll('[data-testid="message"]')].find((m) => m.textContent?.includes(text));
    const frame = document.querySelector('.timeline-frame');
    if (!el || !frame) return false;
    const r = el.getBoundingClientRect();
    const f = frame.getBoundingClientRect();
    return r.top >= f.top && r.bottom <= f.bottom;
  }

  /** The panel in both themes and both window sizes; also checks that nothing in it overflows sideways. */
  async function shoot(panel: Locator, name: string): Promise<void> {
    // No transitions: a screenshot right after a theme switch would catch colours halfway.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const [w, h] of [[1280, 800], [800, 600]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForFunction((t) => document.documentElement.dataset.theme === t, scheme);
        const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
        assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at ${w}×${h}`);
        await shot(page, path.join(ARTIFACTS, `${name}-${scheme}-${w}x${h}.png`));
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor({ timeout: 30_000 });
    await openRoom(roomId, 'Panels E2E');
    await message('Filler message 24').waitFor({ timeout: 15_000 });
  });

  it('changes the topic and the join rule from the settings panel', async () => {
    await page.getByTestId('open-room-settings').click();
    const panel = page.getByTestId('room-settings');
    await panel.waitFor();
    await panel.getByTestId('settings-topic').fill('Where the panels are tested');
    await panel.getByTestId('settings-topic-save').click();
    await page.getByTestId('room-header').filter({ hasText: 'Where the panels are tested' }).waitFor({ timeout: 15_000 });
    assert.equal((await state('m.room.topic')).topic, 'Where the panels are tested');

    assert.equal(await panel.getByTestId('settings-join-rule').inputValue(), 'invite');
    await panel.getByTestId('settings-join-rule').selectOption('public');
    for (let i = 0; (await state('m.room.join_rules')).join_rule !== 'public'; i++) {
      assert.ok(i < 40, 'the join rule never reached the server');
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="settings-join-rule"]')?.value === 'public');

    // A bad address is refused in words before the server is asked.
    await panel.getByTestId('settings-new-alias').fill('not an alias');
    await panel.getByTestId('settings-new-alias-add').click();
    await panel.getByText('is not a room address').waitFor();
    await panel.getByTestId('settings-new-alias').fill('');
    await shoot(panel, 'room-settings');
  });

  it('shows settings read-only without the power to change them', async () => {
    await openRoom(bobsRoom, 'Bob Owns This');
    await page.getByTestId('open-room-settings').click();
    const panel = page.getByTestId('room-settings');
    await panel.getByTestId('settings-name').waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="settings-name"]')?.value === 'Bob Owns This');
    assert.equal(await panel.getByTestId('settings-name').isDisabled(), true);
    assert.equal(await panel.getByTestId('settings-join-rule').isDisabled(), true);
    assert.equal(await panel.getByTestId('settings-topic-save').count(), 0);
    assert.match(await panel.innerText(), /You don't have permission to change this/);
    // Our own notification setting needs no power.
    await panel.getByRole('radio', { name: 'Mute' }).click();
    await panel.getByText('Saved').waitFor({ timeout: 15_000 });
    assert.equal(await panel.getByRole('radio', { name: 'Mute' }).isChecked(), true);
    await page.getByRole('button', { name: 'Close room settings' }).click();
    await openRoom(roomId, 'Panels E2E');
  });

  it('searches the room and jumps to a result', async () => {
    assert.equal(await page.evaluate(inView, 'quarterly platypus'), false, 'the message starts out of view');
    await page.getByTestId('open-search').click();
    const panel = page.getByTestId('room-search');
    await panel.getByTestId('room-search-input').fill('nothingmatchesthis');
    await panel.getByTestId('room-search-submit').click();
    await panel.getByTestId('room-search-empty').waitFor({ timeout: 15_000 });
    await panel.getByTestId('room-search-input').fill('platypus');
    await panel.getByTestId('room-search-submit').click();
    const result = panel.getByTestId('room-search-result');
    await result.first().waitFor({ timeout: 15_000 });
    assert.equal(await result.count(), 1);
    assert.equal(await result.getAttribute('data-event-id'), needleId);
    assert.match(await result.innerText(), /Bob/);
    assert.equal(await result.locator('mark').innerText(), 'platypus');
    await result.click();
    const row = message('The quarterly platypus report');
    await row.waitFor({ timeout: 15_000 });
    // In the timeline's visible area, not just somewhere in the DOM.
    await page.waitForFunction(inView, 'quarterly platypus', { timeout: 15_000 });
    await shoot(panel, 'room-search');
  });

  it('pins a message from its toolbar and lists it in the pinned panel', async () => {
    const row = message('The quarterly platypus report');
    await row.hover();
    await row.getByTestId('action-pin').click();
    for (let i = 0; ; i++) {
      const pinned = await state('m.room.pinned_events').catch(() => ({ pinned: [] }));
      if (Array.isArray(pinned.pinned) && pinned.pinned.includes(needleId)) break;
      assert.ok(i < 40, 'the pin never reached the server');
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.getByTestId('open-pinned').click();
    const panel = page.getByTestId('pinned-panel');
    const item = panel.getByTestId('pinned-message');
    await item.waitFor({ timeout: 15_000 });
    assert.match(await item.innerText(), /The quarterly platypus report is ready/);
    assert.equal(await item.getAttribute('data-event-id'), needleId);
    await shoot(panel, 'pinned-messages');

    await panel.getByTestId('pinned-unpin').click();
    await panel.getByTestId('pinned-empty').waitFor({ timeout: 15_000 });
    assert.deepEqual((await state('m.room.pinned_events')).pinned, []);
  });
});
