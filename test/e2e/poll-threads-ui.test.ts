/**
 * Polls and threads together, in Chromium against Synapse through the web host, as Element shows them: a poll Bob
 * started gets its own "N replies" summary when people answer it in a thread (under both poll event types), the
 * summary opens the thread panel with the poll as its first message, a deleted poll keeps its summary (its replies
 * stay reachable), Alice starts a thread from a poll with the Thread action, and a poll sent inside a thread stays
 * in the panel, is counted by its root's summary, and takes votes there (which are not replies).
 * Screenshots of the poll with its summary, the deleted root and the thread panel in both themes go to
 * test-artifacts/ (with LATTICE_SHOTS=1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MatrixPeer } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';
import { aliceAndBobRoom, startWebUi, themeShots, type WebUi } from '../harness/web-ui.ts';

/** A single-choice poll start under `type` (the stable or the unstable MSC3381 name), as Element sends it. */
function pollContent(type: 'm.poll.start' | 'org.matrix.msc3381.poll.start', question: string, answers: string[]): Record<string, unknown> {
  if (type === 'm.poll.start') {
    return {
      'm.poll': {
        question: { 'm.text': [{ body: question }] }, kind: 'm.poll.disclosed', max_selections: 1,
        answers: answers.map((a, i) => ({ 'm.id': `a${i}`, 'm.text': [{ body: a }] })),
      },
      'm.text': [{ body: `${question}\n${answers.map((a, i) => `${i + 1}. ${a}`).join('\n')}` }],
    };
  }
  return {
    'org.matrix.msc3381.poll.start': {
      question: { 'org.matrix.msc1767.text': question }, kind: 'org.matrix.msc3381.poll.disclosed', max_selections: 1,
      answers: answers.map((a, i) => ({ id: `a${i}`, 'org.matrix.msc1767.text': a })),
    },
    'org.matrix.msc1767.text': `${question}\n${answers.map((a, i) => `${i + 1}. ${a}`).join('\n')}`,
  };
}

const inThread = (rootId: string) => ({ rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } });

describe('polls in threads against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  let roomId: string;
  let ui: WebUi;
  let page: Page;

  before(async () => {
    ui = await startWebUi('poll-threads');
    hs = ui.hs;
    page = ui.page;
    ({ alice, bob, roomId } = await aliceAndBobRoom(hs, 'Poll Threads'));
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Hello from Bob' });
  });
  after(async () => {
    await ui?.stop();
  });

  const timeline = () => page.getByTestId('timeline');
  /** The main timeline's row of the poll asking `question`. */
  const pollRow = (question: string) => timeline().getByTestId('message').filter({ has: page.getByTestId('poll').filter({ hasText: question }) });
  const panel = () => page.getByTestId('thread-panel');

  /** One screenshot per theme of whatever is open now. */
  const shots = (name: string) => themeShots(page, 'poll-threads', name);

  it('logs in and opens the room', async () => {
    await ui.signIn(alice, 'alice-password');
    await page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).click({ timeout: 30_000 });
    await page.getByTestId('room-header').filter({ hasText: 'Poll Threads' }).waitFor();
    await timeline().getByTestId('message').filter({ hasText: 'Hello from Bob' }).waitFor({ timeout: 30_000 });
  });

  for (const type of ['org.matrix.msc3381.poll.start', 'm.poll.start'] as const) {
    it(`shows a thread summary under a poll (${type}) that people answered in a thread, which opens the thread`, async () => {
      const question = `Where to meet (${type})?`;
      const pollId = await bob.sendEvent(roomId, type, pollContent(type, question, ['Station', 'Library']));
      await pollRow(question).waitFor({ timeout: 30_000 });
      await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: `The station, surely (${type})`, 'm.relates_to': inThread(pollId) });

      const summary = pollRow(question).getByTestId('thread-summary');
      await summary.filter({ hasText: '1 reply' }).waitFor({ timeout: 30_000 });
      assert.match(await summary.innerText(), /Bob: The station, surely/);
      assert.equal(await timeline().locator('.message-body', { hasText: `The station, surely (${type})` }).count(), 0,
        'the reply stays out of the main timeline');

      await summary.click();
      await panel().getByTestId('thread-message').first().getByTestId('poll').filter({ hasText: question }).waitFor({ timeout: 30_000 });
      await panel().getByTestId('thread-message').filter({ hasText: `The station, surely (${type})` }).waitFor({ timeout: 30_000 });
      if (type === 'm.poll.start') await shots('poll-summary-and-panel');
      await panel().getByTestId('thread-close').click();
      await panel().waitFor({ state: 'detached' });
    });
  }

  it('keeps the thread summary under a deleted poll, so its replies can still be opened', async () => {
    const question = 'Where to meet (m.poll.start)?';
    const pollId = await pollRow(question).getAttribute('data-event-id');
    assert.ok(pollId);
    await bob.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(pollId)}/poll-threads-1`, {});
    const row = timeline().locator(`[data-testid="message"][data-event-id="${pollId}"]`);
    await row.filter({ hasText: 'Message deleted' }).waitFor({ timeout: 30_000 });
    const summary = row.getByTestId('thread-summary');
    await summary.filter({ hasText: '1 reply' }).waitFor({ timeout: 30_000 });
    await summary.click();
    await panel().getByTestId('thread-message').first().filter({ hasText: 'Message deleted' }).waitFor({ timeout: 30_000 });
    await panel().getByTestId('thread-message').filter({ hasText: 'The station, surely (m.poll.start)' }).waitFor({ timeout: 30_000 });
    await shots('deleted-poll-thread');
    await panel().getByTestId('thread-close').click();
    await panel().waitFor({ state: 'detached' });
  });

  it('starts a thread from a poll with the Thread action; a poll sent in that thread is counted by its summary and takes a vote', async () => {
    const question = 'Which evening?';
    const pollId = await bob.sendEvent(roomId, 'org.matrix.msc3381.poll.start', pollContent('org.matrix.msc3381.poll.start', question, ['Tuesday', 'Thursday']));
    const row = pollRow(question);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('thread-summary').count(), 0, 'no summary before anyone answers in a thread');
    await row.hover();
    await row.getByTestId('action-thread').click();
    await panel().getByTestId('thread-message').first().getByTestId('poll').filter({ hasText: question }).waitFor({ timeout: 30_000 });

    await panel().getByTestId('thread-composer').fill('Thursday works for me');
    await panel().getByTestId('thread-composer').press('Enter');
    const reply = await bob.waitForMessage(roomId, (e) => e.content.body === 'Thursday works for me', 45_000);
    assert.deepEqual((reply.content['m.relates_to'] as { rel_type: string; event_id: string }).rel_type, 'm.thread');
    assert.equal((reply.content['m.relates_to'] as { event_id: string }).event_id, pollId);

    // A poll in the thread: in the panel, not in the main timeline, and counted by the root's summary.
    await panel().getByTestId('thread-composer-more').click();
    await panel().getByTestId('thread-composer-poll').click();
    const dialog = page.getByTestId('poll-dialog');
    await dialog.getByTestId('poll-question').fill('Which time on Thursday?');
    await dialog.getByTestId('poll-answer-input').nth(0).fill('Six');
    await dialog.getByTestId('poll-answer-input').nth(1).fill('Eight');
    await dialog.getByTestId('dialog-submit').click();
    const start = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.start'
      && JSON.stringify(e.content).includes('Which time on Thursday?'), 45_000);
    assert.deepEqual(start.content['m.relates_to'], { rel_type: 'm.thread', event_id: pollId, is_falling_back: true, 'm.in_reply_to': { event_id: reply.event_id } });
    await panel().getByTestId('poll').filter({ hasText: 'Which time on Thursday?' }).waitFor({ timeout: 30_000 });
    assert.equal(await timeline().getByTestId('poll').filter({ hasText: 'Which time on Thursday?' }).count(), 0,
      'the thread\'s poll stays out of the main timeline');
    const summary = row.getByTestId('thread-summary');
    await summary.filter({ hasText: '2 replies' }).waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /Alice: Poll: Which time on Thursday\?/);

    // A vote in the thread's poll refers to it (m.reference), as Element sends it: it is no reply in the thread.
    const threadPoll = panel().getByTestId('poll').filter({ hasText: 'Which time on Thursday?' });
    await threadPoll.getByTestId('poll-answer').filter({ hasText: 'Eight' }).click();
    const vote = await bob.waitForMessage(roomId, (e) => e.type === 'org.matrix.msc3381.poll.response', 45_000);
    assert.deepEqual(vote.content['m.relates_to'], { rel_type: 'm.reference', event_id: start.event_id });
    await threadPoll.getByTestId('poll-answer').filter({ hasText: 'Eight' }).filter({ hasText: '1 vote' }).waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /^2 replies/, 'a vote is not counted as a reply');
    await shots('thread-started-from-poll');
    await panel().getByTestId('thread-close').click();
  });
});
