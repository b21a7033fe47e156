/**
 * Relations whose key arrives late: a reaction, edits and a thread reply that Lattice stores before it can decrypt
 * them, from a matrix-js-sdk peer with its Rust crypto, through a real Synapse. The key is held back by the backend's
 * fetch (test/harness/to-device-gate.ts). Once it arrives, what the renderer's store holds is checked, fed with
 * every backend event in order as the renderer's session feeds it: the reacted-to message must show its new count,
 * the edited messages their new text marked edited, and the thread root its decrypted reply, at once (as Element
 * does), not when the target next changes.
 *
 * One edited message was sent before the room was encrypted: its encrypted edit has its type (m.room.message) only
 * once decrypted, so nothing could take it for the latest edit while it was still ciphertext. Likewise an encrypted
 * reaction (or any other type) claiming m.replace is no edit of an encrypted message, though both are
 * m.room.encrypted as sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as sdk from 'matrix-js-sdk';
import { logger as sdkGlobalLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Event, EventsDecrypted, SyncComplete } from '../../src/shared/rpc/index.ts';
import { Store as RendererStore } from '../../src/renderer/api/store.ts';
import { selectThreadReplies, threadSummary } from '../../src/renderer/api/threads.ts';
import { viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import { signedInBackend, type BackendSession } from '../harness/backend-session.ts';
import { JsSdkPeer } from '../harness/js-sdk-peer.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from '../harness/synapse.ts';
import { toDeviceGate } from '../harness/to-device-gate.ts';

const WAIT_MS = 60_000;
(sdkGlobalLogger as unknown as { setLevel(level: string): void }).setLevel('error');

const edit = (target: string, body: string) => ({
  msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body },
  'm.relates_to': { rel_type: 'm.replace', event_id: target },
});

describe('relations decrypted late reach the renderer with their targets', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let bob: JsSdkPeer;
  let lattice: BackendSession;
  const gate = toDeviceGate();
  let roomId: string;
  /** Sent before the room was encrypted, and the message sent encrypted after. */
  let plainId: string;
  let sealedId: string;

  before(async () => {
    hs = await startSynapse();
    alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = await JsSdkPeer.start(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    lattice = await signedInBackend(hs.baseUrl, 'alice', 'alice-password', { fetch: gate.fetch });
    const deviceId = (await lattice.client.waitForEvent('client_state', (s) => !!s.device_id)).device_id!;

    ({ room_id: roomId } = await bob.client.createRoom({ invite: [alice.userId], preset: sdk.Preset.PrivateChat, name: 'Plans' }));
    await new MatrixPeer(hs.baseUrl, alice).join(roomId);
    await bob.waitForJoin(roomId, alice.userId);
    plainId = await bob.sendText(roomId, 'the plan, sent in the clear');
    await bob.client.sendStateEvent(roomId, 'm.room.encryption' as never, { algorithm: 'm.megolm.v1.aes-sha2' } as never, '');
    await lattice.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[roomId]?.meta?.encryption_event, WAIT_MS);
    // Bob's client sends encrypted only once its own sync has the encryption event.
    for (const deadline = Date.now() + WAIT_MS; !bob.client.getRoom(roomId)?.hasEncryptionStateEvent();) {
      if (Date.now() > deadline) throw new Error('Bob\'s client never saw the room encrypted');
      await new Promise((r) => setTimeout(r, 100));
    }
    await bob.waitForDevice(alice.userId, deviceId);
    sealedId = await bob.sendText(roomId, 'the plan, sealed');
    await lattice.client.waitForEvent('sync_complete',
      (d) => !!d.rooms?.[roomId]?.events?.some((e) => e.event_id === sealedId && !!e.decrypted), WAIT_MS);
  });
  after(async () => {
    await lattice?.stop();
    bob?.stop();
    await hs?.stop();
  });

  /** The renderer's store, fed every backend event received so far in order (as renderer/api/session.ts does). */
  function renderer() {
    const store = new RendererStore();
    for (const env of lattice.client.received) {
      if ((env.request_id ?? 0) >= 0) continue;
      if (env.command === 'sync_complete') store.applySyncComplete(env.data as SyncComplete);
      else if (env.command === 'events_decrypted') store.applyEventsDecrypted(env.data as EventsDecrypted);
    }
    const room = store.getSnapshot().rooms.get(roomId);
    assert.ok(room, 'the renderer holds the room');
    const byId = (id: string): Event => {
      const e = [...room.events.values()].find((x) => x.event_id === id);
      assert.ok(e, `the renderer holds ${id}`);
      return e;
    };
    /** The message as its timeline row shows it (with the edit named by last_edit_rowid, as timeline-model does). */
    const shown = (id: string) => {
      const e = byId(id);
      const view = viewEvent(e, e.last_edit_rowid ? room.events.get(e.last_edit_rowid) : undefined);
      assert.equal(view?.kind, 'message');
      return view.kind === 'message' ? { body: view.body, edited: view.edited, reactions: e.reactions } : undefined;
    };
    return { room, shown };
  }

  /**
   * Sends what `send` sends with the room key held back on its way to Lattice's device, and answers the events' IDs
   * once every one is stored undecrypted (with the ciphertext and the error); the test releases the key after.
   */
  async function sendWithKeyHeld(send: () => Promise<string[]>): Promise<string[]> {
    gate.hold();
    try {
      const late = await send();
      const failed = new Set<string>();
      await lattice.client.waitForEvent('sync_complete', (d) => {
        for (const e of d.rooms?.[roomId]?.events ?? []) if (late.includes(e.event_id) && e.decryption_error) failed.add(e.event_id);
        return failed.size === late.length;
      }, WAIT_MS);
      assert.ok(gate.heldCount > 0, 'the room key was held back');
      return late;
    } catch (e) {
      gate.release();
      throw e;
    }
  }

  it('shows a reaction\'s count, two edits and a thread reply as soon as their key arrives', async () => {
    // A new megolm session, whose key has to travel to Lattice's device (and is held back on the way).
    await bob.client.getCrypto()!.forceDiscardSession(roomId);
    const late = await sendWithKeyHeld(async () => [
      await bob.sendEncrypted(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: sealedId, key: '👍' } }),
      (await bob.client.sendEvent(roomId, 'm.room.message' as never, edit(sealedId, 'the plan, sealed and revised') as never)).event_id,
      (await bob.client.sendEvent(roomId, 'm.room.message' as never, edit(plainId, 'the plan, revised in secret') as never)).event_id,
      (await bob.client.sendEvent(roomId, 'm.room.message' as never, {
        msgtype: 'm.text', body: 'a thought in the thread',
        'm.relates_to': { rel_type: 'm.thread', event_id: sealedId, is_falling_back: true, 'm.in_reply_to': { event_id: sealedId } },
      } as never)).event_id,
    ]);
    const before = renderer();
    assert.deepEqual(before.shown(sealedId), { body: 'the plan, sealed', edited: false, reactions: undefined });
    assert.deepEqual(before.shown(plainId), { body: 'the plan, sent in the clear', edited: false, reactions: undefined });

    // The key arrives (the next /sync response carries it; Bob's message wakes the long poll).
    const mark = lattice.client.mark();
    gate.release();
    await bob.sendText(roomId, 'waking the sync');
    const decrypted = new Set<string>();
    await lattice.client.waitForEvent('events_decrypted', (d) => {
      if (d.room_id === roomId) for (const e of d.events) if (late.includes(e.event_id) && e.decrypted) decrypted.add(e.event_id);
      return decrypted.size === late.length;
    }, WAIT_MS, mark);

    const now = renderer();
    assert.deepEqual(now.shown(sealedId), { body: 'the plan, sealed and revised', edited: true, reactions: { '👍': 1 } });
    assert.deepEqual(now.shown(plainId), { body: 'the plan, revised in secret', edited: true, reactions: undefined });
    const root = [...now.room.events.values()].find((e) => e.event_id === sealedId)!;
    const summary = threadSummary(root, selectThreadReplies(now.room, sealedId));
    assert.equal(summary.count, 1);
    assert.equal(summary.latest?.decrypted?.body, 'a thought in the thread');

    // As stored: a fresh read names the same latest edit.
    const stored = await lattice.client.request('get_event', { room_id: roomId, event_id: plainId });
    assert.equal(stored.last_edit_rowid, [...now.room.events.values()].find((e) => e.event_id === late[2])?.rowid);
  });

  it('takes no encrypted event of another type claiming m.replace for an edit, decrypted at once or late', async () => {
    // An edit's type must be its message's (the spec). As sent, every encrypted event is m.room.encrypted: only the
    // cleartext says that these are a reaction and a state event's type, not messages.
    const disguised = (type: string, body: string) => bob.sendEncrypted(roomId, type, {
      msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body },
      'm.relates_to': { rel_type: 'm.replace', event_id: sealedId },
    });
    const edited = (await lattice.client.request('get_event', { room_id: roomId, event_id: sealedId })).last_edit_rowid;
    assert.ok(edited !== undefined, 'edited by the test before');
    const atOnce = await disguised('m.reaction', 'a reaction in disguise');
    await lattice.client.waitForEvent('sync_complete',
      (d) => !!d.rooms?.[roomId]?.events?.some((e) => e.event_id === atOnce && e.decrypted_type === 'm.reaction'), WAIT_MS);
    assert.equal((await lattice.client.request('get_event', { room_id: roomId, event_id: sealedId })).last_edit_rowid, edited,
      'decrypted as it arrived');

    await bob.client.getCrypto()!.forceDiscardSession(roomId);
    const late = await sendWithKeyHeld(async () => [
      await disguised('m.reaction', 'another reaction in disguise'), await disguised('m.room.topic', 'a topic in disguise'),
    ]);
    assert.equal((await lattice.client.request('get_event', { room_id: roomId, event_id: sealedId })).last_edit_rowid, edited,
      'not decrypted yet: nothing says it is a message');
    const mark = lattice.client.mark();
    gate.release();
    await bob.sendText(roomId, 'waking the sync again');
    const decrypted = new Set<string>();
    await lattice.client.waitForEvent('events_decrypted', (d) => {
      if (d.room_id === roomId) for (const e of d.events) if (late.includes(e.event_id) && e.decrypted_type) decrypted.add(e.event_id);
      return decrypted.size === late.length;
    }, WAIT_MS, mark);
    assert.equal((await lattice.client.request('get_event', { room_id: roomId, event_id: sealedId })).last_edit_rowid, edited,
      'decrypted late');
    assert.deepEqual(renderer().shown(sealedId), { body: 'the plan, sealed and revised', edited: true, reactions: { '👍': 1 } });
  });
});
