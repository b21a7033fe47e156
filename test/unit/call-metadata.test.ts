/**
 * A call's stream metadata (MSC3077, with MSC3291's mute flags: call-metadata.ts): read under either field name
 * from invites, answers, negotiations and m.call.sdp_stream_metadata_changed (call-signals.ts), written under both,
 * merged as it arrives, and the rules it drives: which of their streams is their camera and which their screen, their
 * mute flags, and whether our screen goes beside our camera or in place of its picture. Also the age rule of
 * m.call.negotiate (one older than its lifetime is ignored). The WebRTC side is proven in test/e2e/calls-ui.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';
import {
  localMetadata, mergeMetadata, metadataContent, readStreamMetadata, remoteFeeds, remoteMute, shareMode,
} from '../../src/renderer/api/call-metadata.ts';
import { negotiateExpired, parseCallSignal } from '../../src/renderer/api/call-signals.ts';

function ev(type: string, content: JSONObject, extra: Partial<Event> = {}): Event {
  return { rowid: 1, timeline_rowid: 1, room_id: '!dm:x', event_id: '$e', sender: '@bob:x', timestamp: 1000, type, content, ...extra };
}

const cam = { purpose: 'm.usermedia', audio_muted: false, video_muted: false } as const;
const screen = { purpose: 'm.screenshare', audio_muted: true, video_muted: false } as const;

describe('stream metadata', () => {
  it('is read under the spec\'s name or matrix-js-sdk\'s unstable one, the stable first; none is undefined', () => {
    assert.deepEqual(readStreamMetadata({ sdp_stream_metadata: { s1: cam } }), { s1: cam });
    assert.deepEqual(readStreamMetadata({ 'org.matrix.msc3077.sdp_stream_metadata': { s2: screen } }), { s2: screen });
    assert.deepEqual(readStreamMetadata({ sdp_stream_metadata: { s1: cam }, 'org.matrix.msc3077.sdp_stream_metadata': { s2: screen } }), { s1: cam });
    assert.equal(readStreamMetadata({}), undefined);
    assert.equal(readStreamMetadata({ sdp_stream_metadata: 'no' }), undefined);
  });

  it('leaves out entries of an unknown purpose, and reads missing mute flags as false', () => {
    assert.deepEqual(readStreamMetadata({ sdp_stream_metadata: {
      a: { purpose: 'm.usermedia', audio_muted: true }, b: { purpose: 'm.hologram' }, c: 'x', d: { purpose: 'm.screenshare', video_muted: 'yes' },
    } }), {
      a: { purpose: 'm.usermedia', audio_muted: true, video_muted: false },
      d: { purpose: 'm.screenshare', audio_muted: false, video_muted: false },
    });
  });

  it('is written under both names, and reads back as written', () => {
    const meta = localMetadata({ userMediaId: 'mic', muted: true, videoOff: false, screenId: 'scr' });
    assert.deepEqual(meta, { mic: { purpose: 'm.usermedia', audio_muted: true, video_muted: false }, scr: screen });
    const content = metadataContent(meta);
    assert.deepEqual(Object.keys(content).sort(), ['org.matrix.msc3077.sdp_stream_metadata', 'sdp_stream_metadata']);
    assert.deepEqual(readStreamMetadata(content), meta);
    // No screen of its own: only the microphone-and-camera stream.
    assert.deepEqual(Object.keys(localMetadata({ userMediaId: 'mic', muted: false, videoOff: true, screenId: undefined })), ['mic']);
  });

  it('merges stream by stream: a newer entry replaces its stream\'s, the others stay', () => {
    const known = { s1: cam, s2: screen };
    assert.deepEqual(mergeMetadata(known, { s1: { ...cam, audio_muted: true } }), { s1: { ...cam, audio_muted: true }, s2: screen });
    assert.equal(mergeMetadata(known, undefined), known);
    assert.deepEqual(mergeMetadata(undefined, { s1: cam }), { s1: cam });
  });
});

describe('their streams', () => {
  it('without metadata, the first stream is their microphone and camera, and no screen is told apart', () => {
    assert.deepEqual(remoteFeeds([{ id: 'a', video: true }, { id: 'b', video: true }], undefined), { userMedia: 'a', screen: undefined });
    assert.deepEqual(remoteFeeds([], undefined), { userMedia: undefined, screen: undefined });
  });

  it('with metadata, each stream is what its entry says; a stream it does not describe is left out', () => {
    const meta = { cam, scr: screen };
    assert.deepEqual(remoteFeeds([{ id: 'scr', video: true }, { id: 'cam', video: false }], meta), { userMedia: 'cam', screen: 'scr' });
    assert.deepEqual(remoteFeeds([{ id: 'other', video: true }], meta), { userMedia: undefined, screen: undefined });
  });

  it('a screen without video (its sharing stopped) is not shown; of two with one purpose the later wins', () => {
    const meta = { cam, scr: screen, scr2: screen };
    assert.deepEqual(remoteFeeds([{ id: 'cam', video: true }, { id: 'scr', video: false }], meta), { userMedia: 'cam', screen: undefined });
    assert.deepEqual(remoteFeeds([{ id: 'scr', video: true }, { id: 'scr2', video: true }], meta).screen, 'scr2');
  });

  it('their mute flags are their user-media stream\'s; unknown without metadata', () => {
    const meta = { cam: { ...cam, audio_muted: true, video_muted: true }, scr: screen };
    assert.deepEqual(remoteMute(meta, 'cam'), { muted: true, videoMuted: true });
    assert.deepEqual(remoteMute(meta, undefined), { muted: false, videoMuted: false });
    assert.deepEqual(remoteMute(undefined, 'cam'), { muted: false, videoMuted: false });
  });
});

describe('sharing a screen', () => {
  it('goes beside the camera only to a peer that renegotiates and sends metadata; else in place of its picture', () => {
    assert.equal(shareMode(true, true), 'separate');
    // A version 0 peer (no renegotiation), or one that cannot tell two streams apart.
    assert.equal(shareMode(false, true), 'in-place');
    assert.equal(shareMode(true, false), 'in-place');
    assert.equal(shareMode(false, false), 'in-place');
  });
});

describe('call signals with metadata', () => {
  const offer = { type: 'offer', sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' };
  const meta = { sdp_stream_metadata: { s1: cam } };

  it('invites, answers and negotiations carry it; without it they say undefined', () => {
    const invite = parseCallSignal(ev('m.call.invite', { call_id: 'c', version: '1', lifetime: 60_000, offer, ...meta }));
    assert.deepEqual(invite?.type === 'invite' && invite.metadata, { s1: cam });
    const answer = parseCallSignal(ev('m.call.answer', { call_id: 'c', version: '1', answer: { type: 'answer', sdp: 'v=0' },
      'org.matrix.msc3077.sdp_stream_metadata': { s1: cam } }));
    assert.deepEqual(answer?.type === 'answer' && answer.metadata, { s1: cam });
    const negotiate = parseCallSignal(ev('m.call.negotiate', { call_id: 'c', version: '1', description: offer, ...meta }));
    assert.deepEqual(negotiate?.type === 'negotiate' && negotiate.metadata, { s1: cam });
    const bare = parseCallSignal(ev('m.call.invite', { call_id: 'c', version: 0, lifetime: 60_000, offer }));
    assert.equal(bare?.type === 'invite' && bare.metadata, undefined);
  });

  it('m.call.sdp_stream_metadata_changed is read under its stable and unstable types; one without metadata is nothing', () => {
    for (const type of ['m.call.sdp_stream_metadata_changed', 'org.matrix.call.sdp_stream_metadata_changed']) {
      const sig = parseCallSignal(ev(type, { call_id: 'c', party_id: 'p', version: '1', ...meta }));
      assert.deepEqual(sig?.type === 'metadata' && [sig.metadata, sig.partyId], [{ s1: cam }, 'p'], type);
    }
    assert.equal(parseCallSignal(ev('m.call.sdp_stream_metadata_changed', { call_id: 'c', version: '1' })), null);
    assert.equal(parseCallSignal(ev('org.matrix.other', { call_id: 'c', version: '1', ...meta })), null);
  });
});

describe('an m.call.negotiate older than its lifetime', () => {
  const negotiate = (extra: Partial<Event>, lifetime = 10_000) => {
    const sig = parseCallSignal(ev('m.call.negotiate', { call_id: 'c', version: '1', lifetime,
      description: { type: 'offer', sdp: 'v=0' } }, extra));
    assert.equal(sig?.type, 'negotiate');
    return sig as Extract<NonNullable<typeof sig>, { type: 'negotiate' }>;
  };

  it('is ignored by its age as the server gave it (unsigned.age), whatever our clock says', () => {
    assert.equal(negotiateExpired(negotiate({ unsigned: { age: 10_001 } }), 1000), true);
    assert.equal(negotiateExpired(negotiate({ unsigned: { age: 9_000 } }), 1_000_000), false);
  });

  it('without unsigned.age, by its origin_server_ts', () => {
    assert.equal(negotiateExpired(negotiate({}), 1000 + 10_001), true);
    assert.equal(negotiateExpired(negotiate({}), 1000 + 10_000), false);
    assert.equal(negotiateExpired(negotiate({ unsigned: { age: 'old' } }, 500), 2000), true);
  });
});
