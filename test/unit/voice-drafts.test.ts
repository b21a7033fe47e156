/**
 * The voice message kept per composer (api/voice-drafts.ts), with a stand-in recorder, object URLs and send: a
 * composer left mid-recording stops the recording (the microphone let go) and keeps it as its preview, separately for
 * a room and each of its threads; one recording at a time; a microphone granted after the composer went is let go at once; deleting, sending
 * leaving the room or signing out releases the preview's object URL; a failed send keeps the preview; a send under way finishes after
 * the composer went.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaMessageContent } from '../../src/shared/rpc/commands/media.ts';
import type { JSONObject } from '../../src/shared/rpc/types.ts';
import { VoiceDrafts, voiceDraftKey, type Recorder, type VoiceDraftDeps } from '../../src/renderer/api/voice-drafts.ts';
import type { UploadOptions } from '../../src/renderer/api/uploads.ts';

/** A recorder whose microphone is "live" until stopped or cancelled. */
class FakeRecorder implements Recorder {
  live = true;
  elapsed(): number { return 1_500; }
  level(): number { return 0.5; }
  stop() {
    this.live = false;
    return Promise.resolve({ blob: new Blob(['ogg']), filename: 'Voice message.ogg', durationMs: 1_500, waveform: [0, 512, 1024] });
  }
  cancel(): void { this.live = false; }
}

interface Sent { roomId: string; content: MediaMessageContent; relatesTo: JSONObject | undefined }

function setup(opts: { failSend?: boolean; holdMicrophone?: boolean } = {}) {
  const recorders: FakeRecorder[] = [];
  const urls = { made: [] as string[], revoked: [] as string[] };
  const sent: Sent[] = [];
  const uploads: UploadOptions[] = [];
  let grant: () => void = () => undefined;
  let finishSend: () => void = () => undefined;
  const deps: VoiceDraftDeps = {
    startRecorder: () => {
      const r = new FakeRecorder();
      recorders.push(r);
      if (!opts.holdMicrophone) return Promise.resolve(r);
      return new Promise((resolve) => { grant = () => resolve(r); });
    },
    createUrl: () => { const u = `blob:${urls.made.length}`; urls.made.push(u); return u; },
    revokeUrl: (u) => { urls.revoked.push(u); },
    upload: (_blob, _name, o) => { uploads.push(o); return Promise.resolve({ msgtype: 'm.audio', body: 'Voice message.ogg', url: 'mxc://x/v' } as MediaMessageContent); },
    send: (roomId, content, relatesTo) => {
      if (opts.failSend) return Promise.reject(new Error('the server is away'));
      return new Promise((resolve) => { finishSend = () => { sent.push({ roomId, content, relatesTo }); resolve(); }; });
    },
  };
  return { drafts: new VoiceDrafts(deps), recorders, urls, sent, uploads, grant: () => grant(), finishSend: () => finishSend() };
}

const settle = () => new Promise((r) => setImmediate(r));
const room = voiceDraftKey('!a:x');
const thread = voiceDraftKey('!a:x', '$root');

describe('voice drafts', () => {
  it('keys a room and each of its threads apart', () => {
    assert.notEqual(room, thread);
    assert.notEqual(voiceDraftKey('!a:x', '$other'), thread);
  });

  it('leaving mid-recording stops the recording, lets the microphone go and keeps the preview', async () => {
    const { drafts, recorders, urls } = setup();
    await drafts.start(room);
    drafts.tick(room);
    const s = drafts.get(room).state;
    assert.equal(s.kind, 'recording');
    assert.equal(s.kind === 'recording' && s.levels.length, 1);
    drafts.leave(room);
    await settle();
    assert.equal(recorders[0].live, false, 'the microphone is let go');
    const preview = drafts.get(room).state;
    assert.equal(preview.kind, 'preview');
    assert.equal(preview.kind === 'preview' && preview.url, urls.made[0]);
    assert.deepEqual(urls.revoked, []);
    assert.equal(drafts.get(thread).state.kind, 'idle', 'the thread has a draft of its own');
  });

  it('records in one composer at a time: starting in the thread stops the room\'s recording and keeps it', async () => {
    const { drafts, recorders } = setup();
    await drafts.start(room);
    await drafts.start(thread);
    await settle();
    assert.equal(drafts.get(room).state.kind, 'preview');
    assert.equal(drafts.get(thread).state.kind, 'recording');
    assert.deepEqual(recorders.map((r) => r.live), [false, true]);
  });

  it('a preview left stays as it is; deleting it releases its object URL', async () => {
    const { drafts, urls } = setup();
    await drafts.start(thread);
    await drafts.stop(thread);
    drafts.leave(thread);
    assert.equal(drafts.get(thread).state.kind, 'preview');
    drafts.discard(thread);
    assert.equal(drafts.get(thread).state.kind, 'idle');
    assert.deepEqual(urls.revoked, urls.made);
    assert.deepEqual(drafts.keys(), []);
  });

  it('a microphone granted after the composer went is let go at once', async () => {
    const t = setup({ holdMicrophone: true });
    const starting = t.drafts.start(room);
    assert.equal(t.drafts.get(room).state.kind, 'starting');
    t.drafts.leave(room);
    t.grant();
    await starting;
    assert.equal(t.recorders[0].live, false);
    assert.equal(t.drafts.get(room).state.kind, 'idle');
  });

  it('sends to the thread with its relation and releases the object URL; the send finishes after the composer went', async () => {
    const t = setup();
    await t.drafts.start(thread);
    t.drafts.leave(thread);
    await settle();
    const relation = { rel_type: 'm.thread', event_id: '$root' };
    const sending = t.drafts.send(thread, { roomId: '!a:x', threadRootId: '$root', encrypt: true }, relation);
    assert.equal(t.drafts.get(thread).state.kind === 'preview' && (t.drafts.get(thread).state as { sending: boolean }).sending, true);
    t.drafts.leave(thread); // the panel closed while sending
    await settle();
    t.finishSend();
    assert.equal(await sending, true);
    assert.deepEqual(t.sent.map((s) => [s.roomId, s.relatesTo]), [['!a:x', relation]]);
    assert.equal(t.uploads[0].encrypt, true);
    assert.deepEqual(t.uploads[0].voice, { durationMs: 1_500, waveform: [0, 512, 1024] });
    assert.deepEqual(t.urls.revoked, t.urls.made);
    assert.equal(t.drafts.get(thread).state.kind, 'idle');
  });

  it('a failed send keeps the preview and says why', async () => {
    const t = setup({ failSend: true });
    await t.drafts.start(room);
    await t.drafts.stop(room);
    assert.equal(await t.drafts.send(room, { roomId: '!a:x', encrypt: false }, undefined), false);
    const view = t.drafts.get(room);
    assert.equal(view.state.kind, 'preview');
    assert.match(view.error ?? '', /not sent: the server is away/);
    assert.deepEqual(t.urls.revoked, []);
  });

  it('signing out throws every draft away: recordings stop, object URLs are released', async () => {
    const t = setup();
    await t.drafts.start(room);
    await t.drafts.stop(room);
    await t.drafts.start(thread);
    t.drafts.discardAll();
    assert.deepEqual(t.drafts.keys(), []);
    assert.ok(t.recorders.every((r) => !r.live));
    assert.deepEqual(t.urls.revoked, t.urls.made);
    assert.equal(t.urls.made.length, 1);
  });

  it('leaving a room throws its drafts away (the room\'s and its threads\'), and no other room\'s', async () => {
    const t = setup();
    const other = voiceDraftKey('!b:x');
    await t.drafts.start(room);
    await t.drafts.stop(room);
    await t.drafts.start(other);
    await t.drafts.stop(other);
    await t.drafts.start(thread);
    let told = 0;
    t.drafts.subscribe(() => { told++; });
    t.drafts.discardRooms((roomId) => roomId === '!a:x');
    assert.deepEqual(t.drafts.keys(), [other]);
    assert.equal(t.drafts.get(room).state.kind, 'idle');
    assert.equal(t.recorders[2].live, false, 'the thread\'s recording lets the microphone go');
    assert.deepEqual(t.urls.revoked, [t.urls.made[0]], 'the room\'s preview is released, the other room\'s kept');
    assert.equal(told, 1);
    t.drafts.discardRooms(() => false);
    assert.equal(told, 1, 'nothing thrown away, nothing told');
  });

  it('a recording stopped while the drafts were thrown away keeps nothing', async () => {
    const t = setup();
    await t.drafts.start(room);
    const stopping = t.drafts.stop(room);
    t.drafts.discardAll();
    await stopping;
    assert.equal(t.drafts.get(room).state.kind, 'idle');
    assert.deepEqual(t.urls.made, [], 'no object URL made for a recording thrown away');
  });
});
