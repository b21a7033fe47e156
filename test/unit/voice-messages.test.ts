/**
 * The pure parts of voice messages: the clock, the MSC3246 waveform measured from samples and drawn as bars, the
 * live level's decibel scale, a refused microphone in words, and how the timeline reads a voice message event
 * (its length and waveform, or none; an ordinary audio file stays one) and names it in the room list.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barsOf, formatClock, formatTimeLeft, loudness, playerClock, microphoneProblem, waveformOf } from '../../src/renderer/api/voice-recording.ts';
import { previewText, viewEvent } from '../../src/renderer/ui/room/event-view.ts';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';

function audioEvent(content: JSONObject): Event {
  return {
    rowid: 1, timeline_rowid: 1, room_id: '!r:x', event_id: '$v', sender: '@alice:x', type: 'm.room.message',
    timestamp: 1_700_000_000_000, content: { msgtype: 'm.audio', body: 'Voice message.ogg', filename: 'Voice message.ogg', url: 'mxc://x/a', ...content },
  };
}

function mediaOf(content: JSONObject) {
  const view = viewEvent(audioEvent(content));
  assert.equal(view?.kind, 'message');
  return view.kind === 'message' ? view.media : null;
}

describe('voice recording arithmetic', () => {
  it('shows the clock as Element does', () => {
    assert.equal(formatClock(0), '0:00');
    assert.equal(formatClock(2_999), '0:02');
    assert.equal(formatClock(65_000), '1:05');
    assert.equal(formatClock(15 * 60_000), '15:00');
    assert.equal(formatClock(3_723_000), '1:02:03');
    assert.equal(formatClock(-5), '0:00');
  });

  it('counts the time left down in whole seconds rounded up: 0:00 only at the end', () => {
    assert.equal(formatTimeLeft(3_000), '0:03');
    assert.equal(formatTimeLeft(2_400), '0:03', 'a length is never shown shorter than it is');
    assert.equal(formatTimeLeft(3_000, 400), '0:03', '0.4 s into 3 s does not read like the end');
    assert.equal(formatTimeLeft(3_000, 1_000), '0:02');
    assert.equal(formatTimeLeft(3_000, 2_999.6), '0:00', 'under a millisecond left is the end');
    assert.equal(formatTimeLeft(3_000, 2_990), '0:01');
    assert.equal(formatTimeLeft(3_000, 3_000), '0:00');
    assert.equal(formatTimeLeft(3_000, 4_000), '0:00');
    assert.equal(formatTimeLeft(65_000, 100), '1:05');
  });

  it('reads the length at rest, then the time left; the time played when the length is unknown', () => {
    assert.equal(playerClock(3_000, 0, false), '0:03');
    assert.equal(playerClock(3_000, 400, true), '0:03');
    assert.equal(playerClock(3_000, 2_100, true), '0:01');
    assert.equal(playerClock(0, 0, false), '0:00');
    assert.equal(playerClock(0, 2_500, true), '0:02', 'nothing to count down from: counts up');
  });

  it('measures a waveform of whole numbers from 0 to 1024, the loudest stretch at 1024', () => {
    const samples = new Float32Array(1000);
    for (let i = 500; i < 600; i++) samples[i] = i % 2 ? 0.5 : -0.5; // one loud stretch
    for (let i = 800; i < 900; i++) samples[i] = i % 2 ? 0.25 : -0.25; // one half as loud
    const wave = waveformOf(samples, 10);
    assert.deepEqual(wave, [0, 0, 0, 0, 0, 1024, 0, 0, 512, 0]);
    assert.equal(waveformOf(samples).length, 100);
    assert.deepEqual(waveformOf(new Float32Array(50), 5), [0, 0, 0, 0, 0], 'silence stays flat');
    assert.deepEqual(waveformOf(new Float32Array(0)), []);
    // Fewer samples than asked for: every bar still gets one.
    assert.equal(waveformOf(new Float32Array([0.1, 0.2]), 10).length, 10);
  });

  it('draws any number of samples as the bars it has room for, flat when the event has none', () => {
    assert.deepEqual(barsOf([0, 1024, 512, 256], 2), [1, 0.5]);
    assert.deepEqual(barsOf([1024], 3), [1, 1, 1]);
    assert.deepEqual(barsOf(undefined, 3), [0, 0, 0]);
    assert.deepEqual(barsOf([], 2), [0, 0]);
    assert.deepEqual(barsOf([5000, -3], 2), [1, 0], 'out of range samples are clamped');
  });

  it('scales the live level in decibels: -60 dB and below is silence, full scale is 1', () => {
    assert.equal(loudness(0), 0);
    assert.equal(loudness(0.0005), 0);
    assert.equal(loudness(1), 1);
    assert.ok(Math.abs(loudness(0.1) - 2 / 3) < 1e-9);
  });

  it('says in words why the microphone cannot be used', () => {
    assert.match(microphoneProblem(new DOMException('Permission denied', 'NotAllowedError')), /^Lattice may not use your microphone\. Allow microphone access/);
    assert.match(microphoneProblem(new DOMException('Requested device not found', 'NotFoundError')), /^No microphone was found/);
    assert.match(microphoneProblem(new DOMException('Could not start audio source', 'NotReadableError')), /another program may be using it/);
    assert.equal(microphoneProblem(new Error('odd')), 'The microphone could not be started: odd');
    assert.equal(microphoneProblem('??'), 'The microphone could not be started.');
  });
});

describe('voice messages in the timeline', () => {
  it('reads the length from info and the waveform from MSC1767\'s audio block', () => {
    const media = mediaOf({
      info: { mimetype: 'audio/ogg', duration: 2140 },
      'org.matrix.msc3245.voice': {}, 'org.matrix.msc1767.audio': { duration: 9999, waveform: [0, 512.4, 2000, -1] },
    });
    assert.deepEqual(media?.voice, { durationMs: 2140, waveform: [0, 512, 1024, 0] });
  });

  it('falls back to the audio block\'s length, and to no waveform when it has none or a broken one', () => {
    assert.deepEqual(mediaOf({ 'org.matrix.msc3245.voice': {}, 'org.matrix.msc1767.audio': { duration: 3000 } })?.voice,
      { durationMs: 3000, waveform: undefined });
    assert.deepEqual(mediaOf({ 'org.matrix.msc3245.voice': {}, 'org.matrix.msc1767.audio': { waveform: [1, 'x'] } })?.voice,
      { durationMs: undefined, waveform: undefined });
    assert.deepEqual(mediaOf({ 'org.matrix.msc3245.voice': {} })?.voice, { durationMs: undefined, waveform: undefined });
  });

  it('leaves an audio file without the voice marker an ordinary audio attachment', () => {
    const media = mediaOf({ info: { duration: 2000 }, 'org.matrix.msc1767.audio': { waveform: [1] } });
    assert.equal(media?.kind, 'audio');
    assert.equal(media?.voice, undefined);
  });

  it('names a voice message "Voice message" in the room list, not by its file name', () => {
    const e = audioEvent({ 'org.matrix.msc3245.voice': {} });
    assert.equal(previewText(e, () => 'Alice'), 'Alice: Voice message');
    assert.equal(previewText(audioEvent({}), () => 'Alice'), 'Alice: Voice message.ogg');
  });
});
