/**
 * A message sent while its link preview is still loading (send_message's `pending_url_previews`), against Synapse
 * (URL previews on, loopback allowed) and a page that answers only when the test lets it, with the backend in a
 * child process so it can be killed mid-wait: the local echo is there at once and says it waits, nothing reaches
 * the server meanwhile, and once the page answers the message goes once, with the preview; killed (SIGKILL) while
 * it waits, the backend shows the same waiting echo after the restart and sends it once, with the preview; one whose
 * time ran out while the backend was down goes at once after the restart, without it. Every check of what was sent
 * reads the room from the server as Bob.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NOT_SENT, type Event, type SendComplete, type SyncComplete } from '../../src/shared/rpc/index.ts';
import { ChildBackend } from '../harness/child-backend.ts';
import { MatrixPeer, type MatrixEvent } from '../harness/matrix-peer.ts';
import { PAGE_TITLE, startOgPageServer, type OgPageServer } from '../harness/og-page-server.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';

const KEY = 'com.beeper.linkpreviews';
/** Long enough that no test depends on how fast the machine is: the page answers when the test says. */
const LONG_WAIT = { previewWaitMs: 600_000 };

describe('messages waiting for their link previews, against Synapse', () => {
  let hs: SynapseServer;
  let web: OgPageServer;
  let alice: TestUser;
  let bob: MatrixPeer;
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-waiting-previews-'));
  const children: ChildBackend[] = [];
  let n = 0;

  before(async () => {
    hs = await startSynapse({ urlPreviews: true });
    web = await startOgPageServer();
    alice = await hs.registerUser('alice', 'alice-password');
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password'));
  });
  after(async () => {
    web?.releaseHeld();
    for (const c of children) await c.kill();
    await web?.close();
    await hs?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function child(dir: string, sender: Record<string, number>): ChildBackend {
    const c = new ChildBackend(dir, sender);
    children.push(c);
    return c;
  }

  /** A room of Bob's that Alice joined, and Alice's backend signed in and seeing it. */
  async function signedIn(name: string, sender: Record<string, number>): Promise<{ dir: string; room: string; c: ChildBackend }> {
    const room = await bob.createRoom({ name, invite: [alice.userId] });
    await new MatrixPeer(hs.baseUrl, alice).join(room);
    const dir = path.join(root, String(n++));
    const c = child(dir, sender);
    await c.request('login', { homeserver_url: hs.baseUrl, username: 'alice', password: 'alice-password' });
    await c.waitFor((e) => e.command === 'sync_complete' && !!(e.data as SyncComplete).rooms?.[room], 30_000, 'the room');
    return { dir, room, c };
  }

  async function onServer(room: string, prefix: string): Promise<MatrixEvent[]> {
    return (await bob.messages(room, { limit: 50 })).chunk.filter((e) => String(e.content.body).startsWith(prefix));
  }

  async function sendComplete(c: ChildBackend, echo: Event): Promise<SendComplete> {
    const e = await c.waitFor((x) => x.command === 'send_complete' && (x.data as SendComplete).event.transaction_id === echo.transaction_id,
      60_000, 'send_complete');
    return e.data as SendComplete;
  }

  it('makes the echo at once, sends nothing while the preview loads, then sends it once with the preview', async () => {
    const { room, c } = await signedIn('Echo first', LONG_WAIT);
    web.holdAgain();
    const url = `${web.base}/held/echo-first`;
    const echo = await c.request('send_message', { room_id: room, text: `Echo first: ${url}`, pending_url_previews: [url] }) as Event;
    assert.equal(echo.send_error, NOT_SENT);
    assert.match(echo.event_id, /^~/);
    assert.equal(echo.local_content?.waiting_for_link_previews, 1, 'the echo says it waits for its preview');
    assert.equal(echo.content[KEY], undefined, 'no preview yet');
    // A message after it in the same room waits behind it.
    const next = await c.request('send_message', { room_id: room, text: 'Echo first, the next one' }) as Event;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await onServer(room, 'Echo first'), [], 'nothing reached the server while the preview loads');

    web.releaseHeld();
    const done = await sendComplete(c, echo);
    assert.equal(done.error, null);
    assert.equal(done.event.local_content?.waiting_for_link_previews, undefined);
    // The frontends got the echo with its preview, no longer waiting, before it was sent.
    const shown = c.received.find((e) => e.command === 'sync_complete'
      && (e.data as SyncComplete).rooms?.[room]?.events?.some((x) => x.rowid === echo.rowid && Array.isArray(x.content[KEY])));
    assert.ok(shown, 'the echo was shown again with its preview');
    assert.equal((await sendComplete(c, next)).error, null);
    const sent = await bob.waitForMessage(room, (e) => String(e.content.body).startsWith('Echo first: '), 30_000);
    const bundled = sent.content[KEY] as Record<string, unknown>[];
    assert.equal(bundled?.length, 1, `sent with the preview, not ${JSON.stringify(sent.content[KEY])}`);
    assert.equal(bundled[0].matched_url, url);
    assert.equal(bundled[0]['og:title'], PAGE_TITLE);
    assert.match(String(bundled[0]['og:image']), /^mxc:\/\//);
    const all = await onServer(room, 'Echo first');
    assert.deepEqual(all.map((e) => e.content.body).reverse(), [`Echo first: ${url}`, 'Echo first, the next one'], 'once each, in order');
  });

  it('sends a message still waiting when the backend was killed once after the restart, with its preview', async () => {
    const { dir, room, c } = await signedIn('Crash while waiting', LONG_WAIT);
    web.holdAgain();
    const url = `${web.base}/held/crash`;
    const echo = await c.request('send_message', { room_id: room, text: `Crash while waiting: ${url}`, pending_url_previews: [url] }) as Event;
    assert.equal(echo.local_content?.waiting_for_link_previews, 1);
    await c.kill();

    // The restarted backend's own wait would be short; this message keeps the time it was given when written.
    const again = child(dir, { previewWaitMs: 1 });
    const list = await again.waitFor((e) => e.command === 'sync_complete' && (e.data as SyncComplete).clear_state === true, 30_000, 'room list');
    const restored = (list.data as SyncComplete).rooms?.[room]?.events?.find((e) => e.transaction_id === echo.transaction_id);
    assert.equal(restored?.send_error, NOT_SENT, 'after the restart the echo is still there, pending');
    assert.equal(restored?.local_content?.waiting_for_link_previews, 1, 'and still says it waits for its preview');
    assert.deepEqual(await onServer(room, 'Crash while waiting'), []);

    web.releaseHeld();
    assert.equal((await sendComplete(again, echo)).error, null);
    const sent = await bob.waitForMessage(room, (e) => String(e.content.body).startsWith('Crash while waiting'), 30_000);
    assert.equal((sent.content[KEY] as Record<string, unknown>[] | undefined)?.[0]?.matched_url, url, 'sent with the preview');
    assert.equal((await onServer(room, 'Crash while waiting')).length, 1, 'once');
  });

  it('sends a message whose time ran out while the backend was down at once after the restart, without the preview', async () => {
    const { dir, room, c } = await signedIn('Overdue', { previewWaitMs: 1000 });
    web.holdAgain();
    const url = `${web.base}/held/overdue`;
    const written = Date.now();
    const echo = await c.request('send_message', { room_id: room, text: `Overdue: ${url}`, pending_url_previews: [url] }) as Event;
    await c.kill();
    await new Promise((r) => setTimeout(r, Math.max(0, written + 1500 - Date.now())));

    // Were it to wait again, it would wait this long (the test's own timeout ends first); the page never answers.
    const again = child(dir, LONG_WAIT);
    const done = await sendComplete(again, echo);
    assert.equal(done.error, null);
    const sent = await onServer(room, 'Overdue');
    assert.equal(sent.length, 1, 'sent once');
    assert.equal(sent[0].content[KEY], undefined, 'without the preview that never came (and claiming none)');
  });
});
