/**
 * Reports answer a homeserver's rate limit at once (matrix/api/room-actions.ts), worded so a frontend can read the
 * wait (shared/rate-limit.ts): the report dialog waits in sight and sends again, instead of the backend retrying
 * silently while the dialog says only "Working…". The browser test (test/e2e/report-user-ui.test.ts) shows the
 * dialog's side against Synapse.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attempt } from '../../src/main/backend/commands/failing.ts';
import { RoomActionsApi } from '../../src/main/backend/matrix/api/room-actions.ts';
import { MatrixHttp } from '../../src/main/backend/matrix/http.ts';
import { retryAfterSeconds, tooManyRequests } from '../../src/shared/rate-limit.ts';

function limited(): { api: RoomActionsApi; calls: () => number } {
  let calls = 0;
  const fetchImpl = (() => {
    calls++;
    return Promise.resolve(new Response(JSON.stringify({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 2500 }),
      { status: 429, headers: { 'Content-Type': 'application/json' } }));
  }) as typeof fetch;
  return { api: new RoomActionsApi(new MatrixHttp('http://hs.invalid', 'token', fetchImpl)), calls: () => calls };
}

describe('rate-limited reports', () => {
  for (const [what, send] of [
    ['a message', (api: RoomActionsApi) => api.report('!r:hs', '$e', 'spam')],
    ['a room', (api: RoomActionsApi) => api.reportRoom('!r:hs', 'spam')],
    ['a user', (api: RoomActionsApi) => api.reportUser('@bob:hs', 'spam')],
  ] as const) {
    it(`reporting ${what} is refused at once, with the wait in words a frontend reads back`, async () => {
      const { api, calls } = limited();
      const err = await attempt('report this', () => send(api)).then(() => null, (e: unknown) => e as Error);
      assert.equal(calls(), 1, 'asked once, not retried behind the dialog\'s back');
      assert.ok(err);
      assert.equal(err.message, 'Could not report this: too many requests; try again in 3 s.');
      assert.equal(retryAfterSeconds(err.message), 3);
    });
  }

  it('reads back only that refusal, and never asks to wait 0 s', () => {
    assert.equal(retryAfterSeconds('Could not report this user: the homeserver refused: no.'), null);
    assert.equal(tooManyRequests(0), 'too many requests; try again in 1 s.');
    assert.equal(tooManyRequests(undefined), 'too many requests; try again in 1 s.');
  });
});
