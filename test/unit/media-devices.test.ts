/**
 * The devices chosen in Settings → Voice & video as calls and voice messages use them (media-devices.ts): the
 * getUserMedia constraints asking for the chosen ones exactly, which chosen ones are missing and the note said then,
 * the pickers' options; what a call does when a device goes away mid-call (call-devices.ts); and the stored choice
 * read back whatever localStorage holds (media-prefs.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lostDeviceNote, lostKinds } from '../../src/renderer/api/call-devices.ts';
import { deviceOptions, fallbackNote, mediaConstraints, missingDevices } from '../../src/renderer/api/media-devices.ts';
import { parseMediaPrefs, type MediaPrefs } from '../../src/renderer/api/media-prefs.ts';

const NONE: MediaPrefs = { audioinput: null, videoinput: null, audiooutput: null, callSounds: true };
const CHOSEN: MediaPrefs = {
  ...NONE, audioinput: { id: 'mic-2', label: 'USB Headset' }, videoinput: { id: 'cam-1', label: 'Webcam' },
};
const LISTED = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default - Built-in' },
  { kind: 'audioinput', deviceId: 'mic-1', label: 'Built-in' },
  { kind: 'audioinput', deviceId: 'mic-2', label: 'USB Headset' },
  { kind: 'videoinput', deviceId: 'cam-1', label: 'Webcam' },
  { kind: 'audiooutput', deviceId: 'communications', label: 'Communications - Speakers' },
  { kind: 'audiooutput', deviceId: 'out-1', label: 'Speakers' },
];

describe('media devices', () => {
  it('asks for the chosen devices exactly, the defaults otherwise, and drops the ones skipped', () => {
    assert.deepEqual(mediaConstraints({ audio: true, video: false }, NONE), { audio: true, video: false });
    assert.deepEqual(mediaConstraints({ audio: true, video: true }, CHOSEN),
      { audio: { deviceId: { exact: 'mic-2' } }, video: { deviceId: { exact: 'cam-1' } } });
    assert.deepEqual(mediaConstraints({ audio: { echoCancellation: true }, video: false }, CHOSEN),
      { audio: { echoCancellation: true, deviceId: { exact: 'mic-2' } }, video: false });
    assert.deepEqual(mediaConstraints({ audio: true, video: true }, CHOSEN, ['audioinput']),
      { audio: true, video: { deviceId: { exact: 'cam-1' } } });
    assert.deepEqual(mediaConstraints({ audio: false, video: true }, CHOSEN), { audio: false, video: { deviceId: { exact: 'cam-1' } } });
  });

  it('tells which chosen devices are missing, and says so by name', () => {
    assert.deepEqual(missingDevices(['audioinput', 'videoinput'], CHOSEN, LISTED), []);
    const unplugged = LISTED.filter((d) => d.deviceId !== 'mic-2');
    assert.deepEqual(missingDevices(['audioinput', 'videoinput'], CHOSEN, unplugged), ['audioinput']);
    // Before permission the browser lists devices without IDs: none can be told present.
    const hidden = LISTED.map((d) => ({ ...d, deviceId: '' }));
    assert.deepEqual(missingDevices(['audioinput', 'videoinput'], CHOSEN, hidden), ['audioinput', 'videoinput']);
    assert.deepEqual(missingDevices(['audioinput'], NONE, []), []);
    assert.equal(fallbackNote(['audioinput'], CHOSEN), '“USB Headset” is not connected: the default microphone is used.');
    assert.equal(fallbackNote(['videoinput'], { ...NONE, videoinput: { id: 'x', label: '' } }),
      'The chosen camera is not connected: the default camera is used.');
    assert.equal(fallbackNote([], CHOSEN), null);
  });

  it('lists a kind\'s devices for its picker without the browser\'s default entries, named even without labels', () => {
    assert.deepEqual(deviceOptions(LISTED, 'audioinput'), [{ id: 'mic-1', label: 'Built-in' }, { id: 'mic-2', label: 'USB Headset' }]);
    assert.deepEqual(deviceOptions(LISTED, 'audiooutput'), [{ id: 'out-1', label: 'Speakers' }]);
    assert.deepEqual(deviceOptions([{ kind: 'videoinput', deviceId: 'a', label: '' }, { kind: 'videoinput', deviceId: 'b', label: '' }], 'videoinput'),
      [{ id: 'a', label: 'Camera 1' }, { id: 'b', label: 'Camera 2' }]);
    assert.deepEqual(deviceOptions([{ kind: 'audioinput', deviceId: '', label: '' }], 'audioinput'), []);
  });

  it('finds a call\'s tracks whose device went away: ended, or no longer listed', () => {
    const tracks = [
      { kind: 'audio', readyState: 'live', deviceId: 'mic-2' },
      { kind: 'video', readyState: 'live', deviceId: 'cam-1' },
    ];
    assert.deepEqual(lostKinds(tracks, LISTED), []);
    assert.deepEqual(lostKinds(tracks, LISTED.filter((d) => d.deviceId !== 'mic-2')), ['audio']);
    assert.deepEqual(lostKinds([{ ...tracks[0], readyState: 'ended' }, tracks[1]], LISTED), ['audio']);
    // Devices listed without IDs (no permission): only an ended track is known to be lost.
    assert.deepEqual(lostKinds(tracks, LISTED.map((d) => ({ ...d, deviceId: '' }))), []);
    assert.equal(lostDeviceNote(['audio']), 'Your microphone was disconnected: the call goes on with the default microphone.');
    assert.equal(lostDeviceNote(['audio', 'video']),
      'Your microphone and camera were disconnected: the call goes on with the default microphone and camera.');
  });

  it('reads the stored choice back, anything unreadable as the defaults', () => {
    assert.deepEqual(parseMediaPrefs(null), NONE);
    assert.deepEqual(parseMediaPrefs('not json'), NONE);
    assert.deepEqual(parseMediaPrefs('[1]'), { ...NONE });
    assert.deepEqual(parseMediaPrefs(JSON.stringify({ ...CHOSEN, callSounds: false })), { ...CHOSEN, callSounds: false });
    assert.deepEqual(parseMediaPrefs(JSON.stringify({ audioinput: { id: '' }, videoinput: { id: 'c' }, audiooutput: 'x' })),
      { ...NONE, videoinput: { id: 'c', label: '' } });
  });
});
