/**
 * Thread summaries and room-list previews after deletions, polls and thread replies, in Chromium against Synapse
 * through the web host, as Element shows them: a deleted thread reply is not counted in its root's "N replies" and
 * the summary previews the latest reply that is not deleted (no summary once none is left), also when the root came
 * with the server's bundled count from before the deletion; the room list previews the room's latest message even
 * when it is a poll, a reply in a thread or a poll in a thread (the latter two marked as in a thread), and never a
 * deleted message. A root that came after a reply we hold was deleted (opened far back in the room, its replies
 * mostly not loaded) counts what the server counts now, not that less the deletion a second time; the jump stays on
 * the root (the view is not held at the end of the messages around it), and reading down from there keeps the place
 * while newer pages load below.
 * Screenshots of the summaries and the room list in both themes go to test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

const inThread = (rootId: string, latestId = rootId) =>
  ({ rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: latestId } });

/** An unstable (MSC3381) single-choice poll start, as Element sends it. */
function poll(question: string, answers: string[]): Record<string, unknown> {
  return {
    'org.matrix.msc3381.poll.start': {
      question: { 'org.matrix.msc1767.text': question }, kind: 'org.matrix.msc3381.poll.disclosed', max_selections: 1,
      answers: answers.map((a, i) => ({ id: `a${i}`, 'org.matrix.msc1767.text': a })),
    },
    'org.matrix.msc1767.text': `${question}\n${answers.map((a, i) => `${i + 1}. ${a}`).join('\n')}`,
  };
}

describe('thread summaries and room-list previews against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;
  let redactions = 0;
  /**
   * Thread events Bob sent before Alice signed in, after enough other messages that her first sync's timeline is
   * limited: Synapse then bundles its thread summary (count 2) with the root, which it leaves out otherwise.
   */
  let early: { root: string; one: string; two: string };
  /** A room whose thread root and first reply are far back, behind more than a jump loads before it asks /context. */
  let far: { roomId: string; root: string };

  const text = (body: string) => ({ msgtype: 'm.text', body });
  const redact = (eventId: string) => bob.request('PUT',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/summary-${++redactions}`, {});

  before(async () => {
    ui = await startWebUi('thread-summary');
    hs = ui.hs;
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Summaries'));
    for (let i = 0; i < 50; i++) await bob.sendEvent(roomId, 'm.room.message', text(`Earlier message ${i}`));
    const root = await bob.sendEvent(roomId, 'm.room.message', text('Early thread root'));
    const one = await bob.sendEvent(roomId, 'm.room.message', { ...text('early reply one'), 'm.relates_to': inThread(root) });
    const two = await bob.sendEvent(roomId, 'm.room.message', { ...text('early reply two'), 'm.relates_to': inThread(root, one) });
    early = { root, one, two };

    await hs.disableRateLimits(bob.userId);
    const farRoom = await bob.createRoom({ name: 'Long ago', invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(farRoom);
    const farRoot = await bob.sendEvent(farRoom, 'm.room.message', text('A thread that started long ago'));
    await bob.sendEvent(farRoom, 'm.room.message', { ...text('long ago reply one'), 'm.relates_to': inThread(farRoot) });
    for (let i = 0; i < 300; i++) await bob.sendEvent(farRoom, 'm.room.message', text(`Meanwhile ${i}`));
    far = { roomId: farRoom, root: farRoot };
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  const rootRow = (eventId: string) => timeline().locator(`[data-testid="message"][data-event-id="${eventId}"]`);
  const roomItem = () => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
  const roomPreview = () => roomItem().locator('.roomlist-item-preview');

  /**
   * Waits for the room list to preview `expected` ("Sender: text"); says what it shows instead when it does not. The
   * row isolates the sender's name for bidirectional text (U+2068 … U+2069), which is not part of what is compared.
   */
  async function previewShows(expected: string): Promise<void> {
    const [sender, ...rest] = expected.split(': ');
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^\u2068?${escape(sender)}\u2069?: ${escape(rest.join(': '))}$`);
    try {
      await roomPreview().filter({ hasText: pattern }).waitFor({ timeout: 30_000 });
    } catch {
      assert.fail(`the room list previews "${await roomPreview().innerText()}", not "${expected}"`);
    }
  }

  /** Waits for the summary under `rootId` to read `count`; says what it reads instead when it does not. */
  async function summaryShows(rootId: string, count: string): Promise<void> {
    const summary = rootRow(rootId).getByTestId('thread-summary');
    try {
      await summary.filter({ hasText: count }).waitFor({ timeout: 30_000 });
    } catch {
      const now = await summary.count() ? await summary.innerText() : 'no summary';
      assert.fail(`the thread summary reads "${now}", not "${count}"`);
    }
  }

  /** One screenshot per theme of whatever is open now. */
  const shots = (name: string) => themeShots(page, 'thread-summary', name);

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await roomItem().click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Summaries' }).waitFor();
    await rootRow(early.root).waitFor({ timeout: 30_000 });
  });

  it('does not count a deleted reply under a root that came with the server\'s count, and previews the reply before it', async () => {
    const summary = rootRow(early.root).getByTestId('thread-summary');
    await summaryShows(early.root, '2 replies');
    assert.match(await summary.innerText(), /Bob: early reply two/);

    await redact(early.two);
    await summaryShows(early.root, '1 reply');
    assert.match(await summary.innerText(), /Bob: early reply one/);
    assert.doesNotMatch(await summary.innerText(), /deleted/);
    await shots('one-left');

    // The panel still lists the deleted reply where it was, as the main timeline does.
    await summary.click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByTestId('thread-message').filter({ hasText: 'early reply one' }).waitFor({ timeout: 30_000 });
    await panel.getByTestId('thread-message').filter({ hasText: 'Message deleted' }).waitFor({ timeout: 30_000 });
    await panel.getByTestId('thread-close').click();
    await panel.waitFor({ state: 'detached' });

    await redact(early.one);
    try {
      await summary.waitFor({ state: 'detached', timeout: 30_000 });
    } catch {
      assert.fail(`the thread summary still reads "${await summary.innerText()}" with every reply deleted`);
    }
  });

  it('does not count a deleted reply in a thread that grew while the room was open', async () => {
    const root = await bob.sendEvent(roomId, 'm.room.message', text('Live thread root'));
    await rootRow(root).waitFor({ timeout: 30_000 });
    const one = await bob.sendEvent(roomId, 'm.room.message', { ...text('live reply one'), 'm.relates_to': inThread(root) });
    const two = await bob.sendEvent(roomId, 'm.room.message', { ...text('live reply two'), 'm.relates_to': inThread(root, one) });
    const summary = rootRow(root).getByTestId('thread-summary');
    await summaryShows(root, '2 replies');
    assert.match(await summary.innerText(), /Bob: live reply two/);

    await previewShows('Bob: live reply two');

    await redact(two);
    await summaryShows(root, '1 reply');
    assert.match(await summary.innerText(), /Bob: live reply one/);
    // The room list does not preview the deleted reply either, but the newest message left.
    await previewShows('Bob: live reply one');
  });

  it('previews a poll in the room list', async () => {
    await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.start', poll('Lunch where?', ['Canteen', 'Park']));
    await timeline().getByTestId('poll').filter({ hasText: 'Lunch where?' }).waitFor({ timeout: 30_000 });
    await previewShows('Bob: Poll: Lunch where?');
    assert.equal(await roomItem().getByTestId('room-preview-thread').count(), 0, 'a poll in the main timeline has no thread mark');
  });

  it('previews a reply in a thread in the room list', async () => {
    const root = await bob.sendEvent(roomId, 'm.room.message', text('Plans for Friday'));
    await rootRow(root).waitFor({ timeout: 30_000 });
    await bob.sendEvent(roomId, 'm.room.message', { ...text('Bowling, I think'), 'm.relates_to': inThread(root) });
    await summaryShows(root, '1 reply');
    await previewShows('Bob: Bowling, I think');
    // Marked as a reply in a thread, as Element marks it (an icon before the text).
    await roomItem().getByTestId('room-preview-thread').waitFor({ timeout: 30_000 });

    // A poll inside the thread is the room's latest message too.
    await bob.sendEvent(roomId, 'm.poll.start', {
      'm.poll': {
        question: { 'm.text': [{ body: 'Which alley?' }] }, kind: 'm.poll.disclosed', max_selections: 1,
        answers: [{ 'm.id': 'n', 'm.text': [{ body: 'North' }] }, { 'm.id': 's', 'm.text': [{ body: 'South' }] }],
      },
      'm.text': [{ body: 'Which alley?\n1. North\n2. South' }],
      'm.relates_to': inThread(root),
    });
    await summaryShows(root, '2 replies');
    await previewShows('Bob: Poll: Which alley?');
    assert.equal(await roomItem().getByTestId('room-preview-thread').count(), 1);
    await shots('room-list-thread-poll');
  });

  it('counts a thread whose root came after a reply we hold was deleted as the server counts it', async () => {
    // Alice holds reply two from when it was sent, and its deletion; reply one and the root are far back.
    const inFar = (body: string) => ({ ...text(body), 'm.relates_to': inThread(far.root) });
    const two = await bob.sendEvent(far.roomId, 'm.room.message', inFar('long ago reply two'));
    const farItem = page.locator(`[data-testid="room-item"][data-room-id="${far.roomId}"]`);
    await farItem.filter({ hasText: 'long ago reply two' }).waitFor({ timeout: 30_000 });
    await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(far.roomId)}/redact/${encodeURIComponent(two)}/far-1`, {});
    await bob.sendEvent(far.roomId, 'm.room.message', inFar('long ago reply three'));
    await bob.sendEvent(far.roomId, 'm.room.message',
      text(`Where it started: https://matrix.to/#/${encodeURIComponent(far.roomId)}/${encodeURIComponent(far.root)}`));
    await farItem.click();
    const link = timeline().locator('.message-body a', { hasText: 'matrix.to' });
    await link.waitFor({ timeout: 30_000 });
    // Too far back for the jump's pages: the root comes from /context with the server's count made after the
    // deletion (replies one and three), and Alice holds the deleted reply two but not reply one.
    await link.click();
    await rootRow(far.root).waitFor({ timeout: 30_000 });
    await summaryShows(far.root, '2 replies');
    assert.match(await rootRow(far.root).getByTestId('thread-summary').innerText(), /Bob: long ago reply three/);
    await shots('far-root');
  });

  it('keeps the place when reading down from the message jumped to', async () => {
    // Scrolled to the end of the messages around the root: the next newer page loads below, and the last message
    // read stays in view (the end of an older context is not the newest message, to be held at while pages load).
    await timeline().evaluate((el) => { el.scrollTop = el.scrollHeight; });
    // The rows there are laid out a frame or two after the scroll; the page it asks for comes over the network later.
    const lastRead = await timeline().evaluate(async (el) => {
      for (let i = 0; i < 2; i++) await new Promise(requestAnimationFrame);
      const view = el.getBoundingClientRect();
      const shown = [...el.querySelectorAll<HTMLElement>('[data-testid="message"]')]
        .filter((m) => m.getBoundingClientRect().bottom <= view.bottom + 1 && m.getBoundingClientRect().top >= view.top);
      return shown.at(-1)?.dataset.eventId ?? '';
    });
    assert.ok(lastRead, 'a message is in view at the end of the context');
    // Settled once that message left the view, or once more than a screenful of newer messages is below it.
    const settled = await page.waitForFunction((id) => {
      const el = document.querySelector('[data-testid="timeline"]')!;
      const r = el.querySelector(`[data-testid="message"][data-event-id="${CSS.escape(id)}"]`)?.getBoundingClientRect();
      const view = el.getBoundingClientRect();
      if (!r || r.bottom <= view.top || r.top >= view.bottom) return 'the last message read left the view';
      return el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight ? 'in view, newer messages below' : null;
    }, lastRead, { timeout: 30_000 });
    assert.equal(await settled.jsonValue(), 'in view, newer messages below');
    assert.equal(await page.getByTestId('timeline-context').count(), 1, 'still in the context view');
  });
});
