/**
 * A message sent while its link previews were still loading (send_message's `pending_url_previews`), in the
 * sender against a fake homeserver and a preview fetcher the test answers: the local echo is stored at once and says
 * it waits; nothing goes out until the previews came, then the message goes once with them (in the order of its
 * text, after the ones it already had), and the echo is shown again without the waiting mark; later messages of the
 * room wait behind it; past its time it goes without them; after a restart it waits only for what is left of its
 * time (and not at all once that passed); a room left meanwhile takes it along, unsent. Also how fetched previews are added to the content.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LINK_PREVIEWS_KEY } from '../../src/shared/rpc/commands/link-preview.ts';
import type { Event, JSONObject, LinkPreview, SendComplete } from '../../src/shared/rpc/index.ts';
import { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { withFetchedPreviews } from '../../src/main/backend/send/link-previews.ts';
import { Sender } from '../../src/main/backend/send/sender.ts';
import type { FetchPreview } from '../../src/main/backend/send/waiting-previews.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { FakeFetch, json, type FakeRequest } from '../harness/fake-fetch.ts';

const ME = '@me:hs';
const ROOM = '!room:hs';
const A = 'https://a.example/page';
const B = 'https://b.example/page';

const preview = (url: string, title = `Title of ${url}`): LinkPreview => ({
  matched_url: url, 'og:title': title, 'og:image': 'mxc://hs/pic', 'og:locale': 'en',
});
const bodyOf = (r: FakeRequest) => r.body as JSONObject;

/** A preview fetcher whose answers the test gives, link by link. */
class Previews {
  readonly asked: { url: string; encrypt: boolean }[] = [];
  private readonly answers = new Map<string, { resolve: (p: LinkPreview) => void; reject: (e: Error) => void }>();
  readonly fetch: FetchPreview = (url, encrypt) => {
    this.asked.push({ url, encrypt });
    return new Promise((resolve, reject) => this.answers.set(url, { resolve, reject }));
  };
  answer(url: string, p = preview(url)): void { this.answers.get(url)!.resolve(p); }
  fail(url: string): void { this.answers.get(url)!.reject(new Error('no preview')); }
}

const until = async (ok: () => boolean) => { while (!ok()) await new Promise((r) => setTimeout(r, 1)); };

describe('Sender: messages waiting for their link previews', () => {
  let store: Store;
  let fake: FakeFetch;
  let previews: Previews;
  let changed: Event[];
  let completed: SendComplete[];
  let sender: Sender;

  function newSender(previewWaitMs = 60_000, fetch = previews.fetch): Sender {
    return new Sender(new MatrixClient('http://hs.invalid', 'token', fake.fetch), store, ME, (c) => completed.push(c), {
      retryBaseMs: 1, maxRetryMs: 2, fetchPreview: fetch, previewWaitMs, onEchoChanged: (e) => changed.push(e),
    });
  }

  beforeEach(() => {
    store = Store.open(':memory:');
    fake = new FakeFetch((req) => json(200, { event_id: `$${bodyOf(req).body as string}` }));
    previews = new Previews();
    changed = [];
    completed = [];
    sender = newSender();
  });
  afterEach(() => {
    sender.stop();
    store.close();
  });

  it('stores the echo at once, waiting; sends it once the preview came, with it, and shows the echo again', async () => {
    const { echo, done } = sender.send(ROOM, 'm.room.message', { msgtype: 'm.text', body: `see ${A}` }, false, undefined, [A]);
    assert.equal(echo.local_content?.waiting_for_link_previews, 1);
    assert.equal(store.outbox.get(echo.transaction_id!)?.preview_urls?.[0], A);
    assert.deepEqual(previews.asked, [{ url: A, encrypt: false }], 'fetched at once, in the clear in a plain room');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.requests.length, 0, 'nothing goes before the preview');
    previews.answer(A);
    const result = await done;
    assert.equal(result.error, null);
    assert.equal(fake.requests.length, 1, 'sent once');
    const sent = bodyOf(fake.requests[0])[LINK_PREVIEWS_KEY] as JSONObject[];
    assert.deepEqual(sent, [{ matched_url: A, 'og:title': `Title of ${A}`, 'og:image': 'mxc://hs/pic' }], 'MSC4095 fields only');
    assert.equal(changed.length, 1);
    assert.equal(changed[0].local_content?.waiting_for_link_previews, undefined);
    assert.deepEqual(changed[0].content[LINK_PREVIEWS_KEY], sent);
    assert.equal(store.outbox.all().length, 0);
  });

  it('keeps the room in order: a later message waits behind the one waiting for its preview', async () => {
    const first = sender.send(ROOM, 'm.room.message', { body: `first ${A}` }, false, undefined, [A]);
    const second = sender.send(ROOM, 'm.room.message', { body: 'second' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.requests.length, 0, 'the second does not overtake the first');
    previews.answer(A);
    await second.done;
    assert.equal((await first.done).error, null);
    assert.deepEqual(fake.requests.map((r) => bodyOf(r).body), [`first ${A}`, 'second']);
  });

  it('adds the fetched previews to the ones it had, in the order of the text; a failed one adds nothing', async () => {
    const had = [{ matched_url: B, 'og:title': 'B was ready' }];
    const { done } = sender.send(ROOM, 'm.room.message', { body: `${A} then ${B} then https://c.example/`, [LINK_PREVIEWS_KEY]: had },
      false, undefined, [A, 'https://c.example/']);
    previews.fail('https://c.example/');
    previews.answer(A);
    await done;
    const sent = bodyOf(fake.requests[0])[LINK_PREVIEWS_KEY] as JSONObject[];
    assert.deepEqual(sent.map((p) => p.matched_url), [A, B]);
  });

  it('goes without the preview when its time is up', async () => {
    sender.stop();
    sender = newSender(5);
    const { echo, done } = sender.send(ROOM, 'm.room.message', { body: `late ${A}` }, false, undefined, [A]);
    assert.equal(echo.local_content?.waiting_for_link_previews, 1);
    assert.equal((await done).error, null);
    assert.equal(fake.requests.length, 1);
    assert.equal(bodyOf(fake.requests[0])[LINK_PREVIEWS_KEY], undefined, 'no list claimed: other clients may still make theirs');
    assert.equal(changed[0].local_content?.waiting_for_link_previews, undefined);
  });

  it('after a restart waits for what is left of its time, asks again, and sends it once with the preview', async () => {
    const { echo } = sender.send(ROOM, 'm.room.message', { body: `restart ${A}` }, false, undefined, [A]);
    sender.stop();
    const again = new Previews();
    sender = newSender(60_000, again.fetch);
    sender.start();
    await until(() => again.asked.length === 1);
    assert.equal(fake.requests.length, 0);
    again.answer(A);
    await until(() => completed.length === 1);
    assert.equal(completed[0].event.transaction_id, echo.transaction_id);
    assert.equal(fake.requests.length, 1);
    assert.equal((bodyOf(fake.requests[0])[LINK_PREVIEWS_KEY] as JSONObject[])[0].matched_url, A);
  });

  it('after a restart past its time goes at once, without asking again', async () => {
    sender.stop();
    sender = newSender(1);
    sender.send(ROOM, 'm.room.message', { body: `overdue ${A}` }, false, undefined, [A]);
    sender.stop();
    await new Promise((r) => setTimeout(r, 5));
    const again = new Previews();
    // A new run that would wait an hour for a new message: this one's time was set when it was written.
    sender = newSender(3_600_000, again.fetch);
    sender.start();
    await until(() => completed.length === 1);
    assert.deepEqual(again.asked, []);
    assert.equal(completed[0].error, null);
    assert.equal(bodyOf(fake.requests[0])[LINK_PREVIEWS_KEY], undefined);
  });

  it('sends nothing, and shows nothing again, when its room was left and forgotten while it waited', async () => {
    sender.send(ROOM, 'm.room.message', { body: `gone ${A}` }, false, undefined, [A]);
    store.deleteRoom(ROOM);
    previews.answer(A);
    const next = sender.send(ROOM, 'm.room.message', { body: 'after' });
    await next.done;
    assert.deepEqual(fake.requests.map((r) => bodyOf(r).body), ['after']);
    assert.deepEqual(changed, []);
  });

  it('asks for an encrypted picture in an encrypted room', () => {
    store.rooms.ensure(ROOM);
    store.rooms.save({ ...store.rooms.get(ROOM)!, encryption_event: { algorithm: 'm.megolm.v1.aes-sha2' } });
    sender.send(ROOM, 'm.room.message', { body: A }, false, undefined, [A]);
    sender.send(ROOM, 'm.room.message', { body: `/unencrypted ${B}` }, true, undefined, [B]);
    assert.deepEqual(previews.asked, [{ url: A, encrypt: true }, { url: B, encrypt: false }]);
  });
});

describe('withFetchedPreviews', () => {
  it('claims no list when every fetch failed and the message had none, and keeps an empty one it had', () => {
    const content = { body: A };
    assert.equal(withFetchedPreviews(content, [null]), content);
    assert.deepEqual(withFetchedPreviews({ body: A, [LINK_PREVIEWS_KEY]: [] }, [null])[LINK_PREVIEWS_KEY], []);
  });

  it('says "no previews" with an empty list for a page with nothing to show', () => {
    assert.deepEqual(withFetchedPreviews({ body: A }, [{ matched_url: A, 'og:description': 'words only' }])[LINK_PREVIEWS_KEY], []);
  });

  it('adds them to an edit\'s new content as well', () => {
    const out = withFetchedPreviews({ body: `* ${A}`, 'm.new_content': { body: A } }, [preview(A)]);
    assert.equal((out[LINK_PREVIEWS_KEY] as JSONObject[]).length, 1);
    assert.deepEqual((out['m.new_content'] as JSONObject)[LINK_PREVIEWS_KEY], out[LINK_PREVIEWS_KEY]);
  });
});
