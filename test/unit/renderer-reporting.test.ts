/**
 * The report actions' requests (api/reporting.ts): what each sends, in which order, and that a failed follow-up
 * (ignoring the sender or user, leaving the room) is told apart from the report, which already went and must not be sent
 * again. The browser test (test/e2e/report-ui.test.ts) covers the same against Synapse through the dialogs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { homeserverOf, reportMessage, reportRoom, reportUser } from '../../src/renderer/api/reporting.ts';
import type { Session } from '../../src/renderer/api/session.ts';

/** A session whose requests are recorded; `refuse` names commands that fail with a sentence. */
function recording(refuse: string[] = []): { session: Session; sent: [string, unknown][] } {
  const sent: [string, unknown][] = [];
  const session = {
    client: {
      request: (cmd: string, data: unknown) => {
        sent.push([cmd, data]);
        return refuse.includes(cmd) ? Promise.reject(new Error(`Could not ${cmd}: the homeserver refused.`)) : Promise.resolve(true);
      },
    },
  } as unknown as Session;
  return { session, sent };
}

const MESSAGE = { kind: 'event', roomId: '!r:hs', eventId: '$e', senderId: '@bob:hs' } as const;
/** No waits asked for in these cases: nothing to tell. */
const QUIET = { onWait: () => undefined, signal: new AbortController().signal };

describe('reporting requests', () => {
  it('reports a message with its trimmed reason, then ignores the sender when asked', async () => {
    const { session, sent } = recording();
    assert.deepEqual(await reportMessage(session, MESSAGE, '  spam  ', true, QUIET), { followedUp: true });
    assert.deepEqual(sent, [
      ['report_event', { room_id: '!r:hs', event_id: '$e', reason: 'spam' }],
      ['ignore_user', { user_id: '@bob:hs' }],
    ]);
  });

  it('leaves out an empty reason and sends nothing more unless asked', async () => {
    const { session, sent } = recording();
    assert.deepEqual(await reportMessage(session, MESSAGE, '   ', false, QUIET), { followedUp: false });
    assert.deepEqual(sent, [['report_event', { room_id: '!r:hs', event_id: '$e' }]]);
  });

  it('a refused report fails as a whole and does not ignore anyone', async () => {
    const { session, sent } = recording(['report_event']);
    await assert.rejects(reportMessage(session, MESSAGE, 'spam', true, QUIET), /Could not report_event/);
    assert.deepEqual(sent.map(([c]) => c), ['report_event']);
  });

  it('reports a room (the spec requires a reason, empty or not), then leaves when asked; a failed leave is said apart', async () => {
    const { session, sent } = recording(['leave_room']);
    const outcome = await reportRoom(session, '!r:hs', '', true, QUIET);
    assert.deepEqual(sent, [['report_room', { room_id: '!r:hs', reason: '' }], ['leave_room', { room_id: '!r:hs' }]]);
    assert.deepEqual(outcome, { followedUp: false, followUpError: 'Could not leave_room: the homeserver refused.' });
  });

  it('reports a user with the trimmed reason, then ignores them when asked; a refused report ignores no one', async () => {
    const { session, sent } = recording();
    assert.deepEqual(await reportUser(session, '@bob:hs', ' abusive DMs ', true, QUIET), { followedUp: true });
    assert.deepEqual(sent, [['report_user', { user_id: '@bob:hs', reason: 'abusive DMs' }], ['ignore_user', { user_id: '@bob:hs' }]]);
    const refused = recording(['report_user']);
    await assert.rejects(reportUser(refused.session, '@bob:hs', '', true, QUIET), /Could not report_user/);
    assert.deepEqual(refused.sent.map(([c]) => c), ['report_user']);
  });

  it('says how long the server asked to wait, sends the report again then, and gives up after a few tries', async (t) => {
    // The waits run on mocked timers: each is let pass once the report waits for it.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      void p.then(() => { done = true; }, () => { done = true; });
      while (!done) {
        await new Promise((r) => setImmediate(r));
        t.mock.timers.tick(1000);
      }
      return p;
    };
    let refusals = 2;
    const sent: string[] = [];
    const session = {
      client: {
        request: (cmd: string) => {
          sent.push(cmd);
          return refusals-- > 0 ? Promise.reject(new Error('Could not report this user: too many requests; try again in 1 s.')) : Promise.resolve(true);
        },
      },
    } as unknown as Session;
    const waits: (number | null)[] = [];
    const retry = { onWait: (s: number | null) => { waits.push(s); }, signal: new AbortController().signal };
    assert.deepEqual(await settle(reportUser(session, '@bob:hs', 'spam', false, retry)), { followedUp: false });
    assert.deepEqual(sent, ['report_user', 'report_user', 'report_user']);
    assert.deepEqual(waits, [1, 1, null]);

    refusals = 10;
    sent.length = 0;
    waits.length = 0;
    await assert.rejects(settle(reportUser(session, '@bob:hs', 'spam', false, retry)), /too many requests; try again in 1 s\./);
    assert.equal(sent.length, 4, 'the first try and three more');
    assert.deepEqual(waits, [1, 1, 1, null]);
  });

  it('sends nothing more once the dialog closes while waiting', async () => {
    const sent: string[] = [];
    const session = {
      client: {
        request: (cmd: string) => { sent.push(cmd); return Promise.reject(new Error('Could not report this room: too many requests; try again in 5 s.')); },
      },
    } as unknown as Session;
    const closing = new AbortController();
    const retry = { onWait: (s: number | null) => { if (s !== null) closing.abort(); }, signal: closing.signal };
    await assert.rejects(reportRoom(session, '!r:hs', '', false, retry), /cancelled/);
    assert.deepEqual(sent, ['report_room']);
  });

  it('names the homeserver from the user ID, port included', () => {
    assert.equal(homeserverOf('@alice:example.org'), 'example.org');
    assert.equal(homeserverOf('@alice:localhost:8448'), 'localhost:8448');
    assert.equal(homeserverOf(undefined), '');
  });
});
