/**
 * Changing a call's media, the pure parts: m.call.negotiate and the VoIP version read from events (call-signals.ts),
 * what the call view's camera and screen-sharing buttons may do, and why not (call-video.ts: a version 0 app cannot
 * renegotiate), and a screen that could not be shared, in words (call-media.ts). The WebRTC side is proven in
 * test/e2e/calls-ui.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';
import { NEGOTIATE_LIFETIME_MS, parseCallSignal } from '../../src/renderer/api/call-signals.ts';
import { videoControls } from '../../src/renderer/api/call-video.ts';
import { screenErrorText } from '../../src/renderer/api/call-media.ts';
import type { CallView } from '../../src/renderer/api/call-view.ts';

function ev(type: string, content: JSONObject): Event {
  return { rowid: 1, timeline_rowid: 1, room_id: '!dm:x', event_id: '$e', sender: '@bob:x', timestamp: 5, type, content };
}

describe('m.call.negotiate and the VoIP version', () => {
  it('reads an offer or an answer in `description`, with its lifetime (a default when it has none)', () => {
    const sig = parseCallSignal(ev('m.call.negotiate', { call_id: 'c1', party_id: 'p', version: '1', lifetime: 10_000,
      description: { type: 'offer', sdp: 'v=0' } }));
    assert.deepEqual(sig?.type === 'negotiate' && [sig.description, sig.lifetime, sig.partyId], [{ type: 'offer', sdp: 'v=0' }, 10_000, 'p']);
    const answer = parseCallSignal(ev('m.call.negotiate', { call_id: 'c1', party_id: 'p', version: '1', description: { type: 'answer', sdp: 'v=0' } }));
    assert.deepEqual(answer?.type === 'negotiate' && [answer.description.type, answer.lifetime], ['answer', NEGOTIATE_LIFETIME_MS]);
    for (const description of [{ type: 'rollback', sdp: 'v=0' }, { type: 'offer' }, 'v=0'] as JSONObject['description'][]) {
      assert.equal(parseCallSignal(ev('m.call.negotiate', { call_id: 'c1', version: '1', description })), null, JSON.stringify(description));
    }
  });

  it('takes 0 (the integer of the first spec, or "0") for version 0 and anything else for 1, as the spec says', () => {
    const version = (v: JSONObject['version']) => parseCallSignal(ev('m.call.hangup', { call_id: 'c1', ...(v === undefined ? {} : { version: v }) }))?.version;
    assert.equal(version(0), 0);
    assert.equal(version('0'), 0);
    assert.equal(version('1'), 1);
    assert.equal(version(1), 1);
    assert.equal(version('2'), 1);
  });
});

describe('the camera and screen-sharing buttons', () => {
  const view = (v: Partial<CallView>) => ({ phase: 'connected' as const, camera: false, sharing: false, renegotiable: true, ...v });

  it('wait for the call to connect, except a camera already in it (switched off and on at any time)', () => {
    const c = videoControls(view({ phase: 'connecting' }), 'Bob');
    assert.deepEqual(c.share, { enabled: false, why: 'Available once the call is connected' });
    assert.equal(c.camera.enabled, false);
    assert.equal(videoControls(view({ phase: 'calling', camera: true }), 'Bob').camera.enabled, true);
  });

  it('add video to a voice call when the other side can renegotiate', () => {
    assert.deepEqual(videoControls(view({}), 'Bob'), { camera: { enabled: true, why: undefined }, share: { enabled: true, why: undefined } });
  });

  it('say why not with a version 0 app: no video can be added to a voice call, but a video call\'s camera can give way to a screen', () => {
    const voice = videoControls(view({ renegotiable: false }), 'Bob');
    assert.deepEqual(voice.camera, { enabled: false, why: 'Bob\'s app cannot change the media of a call that is on, so video cannot be added to this voice call.' });
    assert.deepEqual(voice.share, { enabled: false, why: 'Bob\'s app cannot change the media of a call that is on, so a screen can only be shared in a video call.' });
    const video = videoControls(view({ renegotiable: false, camera: true }), 'Bob');
    assert.deepEqual([video.camera.enabled, video.share.enabled], [true, true]);
  });
});

describe('screenErrorText', () => {
  it('says nothing when the person closed the picker, and words the rest', () => {
    assert.equal(screenErrorText(new DOMException('Permission denied', 'NotAllowedError')), '');
    assert.match(screenErrorText(new DOMException('Permission denied by system', 'NotAllowedError')), /Allow screen recording for Lattice/);
    assert.equal(screenErrorText(new DOMException('x', 'NotSupportedError')), 'Screen sharing is not available here.');
    assert.equal(screenErrorText(new Error('boom')), 'Your screen could not be shared: boom');
  });
});
