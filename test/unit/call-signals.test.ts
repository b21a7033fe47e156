/**
 * The VoIP module's signalling events as Lattice reads them (call-signals.ts): parsing in the clear and decrypted,
 * which invites ring (live, recent, meant for us, not settled), which are refused as busy and how glare is settled
 * (inviteDecision), the timeline's call lines, which tone a call plays (call-tones.ts), and a refused or missing
 * microphone or camera in words (call-media.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event, JSONObject } from '../../src/shared/rpc/types.ts';
import {
  callEventText, callRecords, formatCallDuration, inviteDecision, parseCallSignal, ringRemaining, shouldRing,
  type CallInProgress, type CallSignal,
} from '../../src/renderer/api/call-signals.ts';
import { toneFor } from '../../src/renderer/api/call-tones.ts';
import { mediaErrorText } from '../../src/renderer/api/call-media.ts';

const VOICE_SDP = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const VIDEO_SDP = `${VOICE_SDP}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n`;
let rowid = 0;

function ev(type: string, content: JSONObject, sender = '@alice:x', ts = 1_000_000, encrypted = false): Event {
  rowid++;
  const base = { rowid, timeline_rowid: rowid, room_id: '!dm:x', event_id: `$e${rowid}`, sender, timestamp: ts };
  return encrypted
    ? { ...base, type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' }, decrypted: content, decrypted_type: type }
    : { ...base, type, content };
}

const invite = (extra: JSONObject = {}, sender = '@alice:x', ts = 1_000_000, sdp = VOICE_SDP) =>
  parseCallSignal(ev('m.call.invite', { call_id: 'c1', party_id: 'p', version: '1', lifetime: 60_000, offer: { type: 'offer', sdp }, ...extra }, sender, ts)) as Extract<CallSignal, { type: 'invite' }>;

describe('call signals', () => {
  it('reads each signalling event, in the clear and decrypted, and refuses a broken one', () => {
    const inv = invite({ invitee: '@bob:x' });
    assert.equal(inv.type, 'invite');
    assert.equal(inv.video, false);
    assert.equal(inv.invitee, '@bob:x');
    assert.equal(invite({}, '@alice:x', 0, VIDEO_SDP).video, true);
    const cands = parseCallSignal(ev('m.call.candidates', { call_id: 'c1', party_id: 'p', version: '1',
      candidates: [{ candidate: 'candidate:1 1 udp 1 192.0.2.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 }, { nope: 1 }] }, '@bob:x', 0, true));
    assert.deepEqual(cands?.type === 'candidates' && cands.candidates, [{ candidate: 'candidate:1 1 udp 1 192.0.2.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 }]);
    assert.equal(parseCallSignal(ev('m.call.answer', { call_id: 'c1', answer: { type: 'answer', sdp: 'v=0' } }))?.type, 'answer');
    assert.equal(parseCallSignal(ev('m.call.hangup', { call_id: 'c1', reason: 'invite_timeout' }))?.type, 'hangup');
    assert.equal(parseCallSignal(ev('m.call.invite', { call_id: 'c1' })), null, 'an invite without an offer');
    assert.equal(parseCallSignal(ev('m.call.hangup', {})), null, 'no call_id');
    assert.equal(parseCallSignal(ev('m.room.message', { body: 'hi' })), null);
  });

  it('rings only for a live, recent invite to us that nobody answered', () => {
    const inv = invite({ invitee: '@bob:x' });
    const none = new Set<string>();
    assert.equal(shouldRing(inv, '@bob:x', 1_000_000 + 5_000, true, none), true);
    assert.equal(shouldRing(inv, '@bob:x', 1_000_000 + 5_000, false, none), false, 'found in a first sync or history');
    assert.equal(shouldRing(inv, '@bob:x', 1_000_000 + 60_000, true, none), false, 'its lifetime is over');
    assert.equal(shouldRing(inv, '@bob:x', 1_000_000 + 5_000, true, new Set(['c1'])), false, 'already answered or hung up');
    assert.equal(shouldRing(inv, '@alice:x', 1_000_000 + 5_000, true, none), false, 'our own invite');
    assert.equal(shouldRing(inv, '@carol:x', 1_000_000 + 5_000, true, none), false, 'meant for someone else');
    assert.equal(ringRemaining(inv, 1_000_000 + 45_000), 15_000);
    assert.equal(ringRemaining(inv, 1_000_000 + 99_000), 0);
  });

  it('rings when free, refuses as busy during another call, and settles glare by the lesser call ID', () => {
    const none = new Set<string>();
    const now = 1_000_000 + 5_000;
    // Bob's view of an invite from Alice (call ID c1) in room !dm:x.
    const inv = invite({ invitee: '@bob:x' });
    const decide = (current: CallInProgress | null, roomId = '!dm:x', live = true) => inviteDecision(inv, roomId, current, '@bob:x', now, live, none);
    const ours = (patch: Partial<CallInProgress> = {}): CallInProgress => ({
      callId: 'c5', roomId: '!dm:x', peerId: '@alice:x', direction: 'outgoing', phase: 'calling', inviteSent: true, ...patch,
    });
    assert.equal(decide(null), 'ring');
    assert.equal(decide(null, '!dm:x', false), 'ignore', 'not live: never rings, never answered busy');
    assert.equal(decide(ours({ phase: 'ended' })), 'ring', 'a call that ended (still on screen) is no call');
    assert.equal(decide(ours({ callId: 'c1', direction: 'incoming', phase: 'ringing' })), 'ignore', 'the invite we ring for');
    // Busy: in a call, answering one, ringing for another, or calling someone else (another room or person).
    assert.equal(decide(ours({ phase: 'connected' })), 'busy', 'in a call with Alice already (her new invite)');
    assert.equal(decide(ours({ peerId: '@carol:x', roomId: '!carol:x', phase: 'connected' })), 'busy');
    assert.equal(decide(ours({ peerId: '@carol:x', roomId: '!carol:x', direction: 'incoming', phase: 'ringing' })), 'busy');
    assert.equal(decide(ours({ peerId: '@carol:x', roomId: '!carol:x', direction: 'incoming', phase: 'connecting' })), 'busy');
    assert.equal(decide(ours({ peerId: '@carol:x', roomId: '!carol:x' })), 'busy', 'calling Carol');
    assert.equal(decide(ours(), '!other:x'), 'busy', 'calling Alice, but in another room: glare is per room');
    assert.equal(decide(ours({ phase: 'connecting' })), 'busy', 'Alice answered ours already: no glare left');
    // Glare: calling Alice in this room, not answered yet.
    assert.equal(decide(ours({ inviteSent: false })), 'take-theirs', 'ours not sent yet: theirs is answered');
    assert.equal(decide(ours({ callId: 'c5' })), 'take-theirs', 'theirs (c1) is the lesser');
    assert.equal(decide(ours({ callId: 'c0' })), 'keep-ours', 'ours (c0) is the lesser');
    assert.equal(decide(ours({ callId: 'C9' })), 'keep-ours', 'compared by code unit: upper case sorts first');
    // Both sides, deciding on each other's invite, agree on the same call.
    const alicesView = inviteDecision(invite({ call_id: 'c5', invitee: '@alice:x' }, '@bob:x'), '!dm:x',
      ours({ callId: 'c1', peerId: '@bob:x' }), '@alice:x', now, true, none);
    assert.equal(alicesView, 'keep-ours');
  });

  it('plays the ringtone while a call rings here, the ringback once our invite went out, busy and hang-up tones at the end', () => {
    const call = (phase: CallInProgress['phase'], direction: 'incoming' | 'outgoing', inviteSent = false) => ({ phase, direction, inviteSent });
    assert.equal(toneFor(null), null);
    assert.equal(toneFor(call('ringing', 'incoming')), 'ringtone');
    assert.equal(toneFor(call('calling', 'outgoing')), null, 'still preparing (microphone, offer)');
    assert.equal(toneFor(call('calling', 'outgoing', true)), 'ringback');
    for (const phase of ['connecting', 'connected', 'ended'] as const) {
      assert.equal(toneFor(call(phase, 'incoming')), null, phase);
      assert.equal(toneFor(call(phase, 'outgoing', true)), null, phase);
    }
    // The person called is busy: the busy tone; a call that was up and ended: the hang-up tone, on either side.
    assert.equal(toneFor({ ...call('ended', 'outgoing', true), busy: true }), 'busy');
    assert.equal(toneFor({ ...call('ended', 'incoming'), connectedAt: 1 }), 'hangup');
    assert.equal(toneFor({ ...call('ended', 'outgoing', true), connectedAt: 1 }), 'hangup');
    // A failure (the connection lost) says so in words, without the tone of a call hung up.
    assert.equal(toneFor({ ...call('ended', 'outgoing', true), connectedAt: 1, failed: true }), null);
    assert.equal(toneFor({ ...call('connected', 'outgoing', true), connectedAt: 1 }), null);
  });

  it('words the timeline lines: started, declined, ended with its length, missed, not answered', () => {
    const name = (id: string) => (id === '@alice:x' ? 'Alice' : 'Bob');
    const events = [
      ev('m.call.invite', { call_id: 'a', offer: { type: 'offer', sdp: VIDEO_SDP } }, '@alice:x', 0),
      ev('m.call.answer', { call_id: 'a', answer: { type: 'answer', sdp: 'v=0' } }, '@bob:x', 10_000),
      ev('m.call.invite', { call_id: 'b', offer: { type: 'offer', sdp: VOICE_SDP } }, '@alice:x', 0),
    ];
    const calls = callRecords(events);
    const line = (e: Event, own: string) => callEventText(parseCallSignal(e)!, name, { calls, ownUserId: own });
    assert.equal(line(events[0], '@bob:x'), 'Alice started a video call');
    assert.equal(line(events[2], '@bob:x'), 'Alice started a voice call');
    assert.equal(line(events[1], '@bob:x'), null, 'answers have no line');
    assert.equal(line(ev('m.call.hangup', { call_id: 'a' }, '@bob:x', 10_000 + 151_400), '@bob:x'), 'Call ended · 2:31');
    assert.equal(line(ev('m.call.hangup', { call_id: 'b', reason: 'user_hangup' }, '@alice:x', 5_000), '@bob:x'), 'Missed call');
    assert.equal(line(ev('m.call.hangup', { call_id: 'b', reason: 'user_hangup' }, '@alice:x', 5_000), '@alice:x'), 'Call cancelled');
    assert.equal(line(ev('m.call.hangup', { call_id: 'b', reason: 'invite_timeout' }, '@alice:x', 60_000), '@alice:x'), 'No answer');
    assert.equal(line(ev('m.call.reject', { call_id: 'b' }, '@bob:x', 5_000), '@alice:x'), 'Bob declined the call');
    assert.equal(line(ev('m.call.hangup', { call_id: 'unknown' }, '@bob:x', 5_000), '@alice:x'), 'Call ended');
    // Without its invite (the room list after a restart holds only the preview): a ring that timed out still reads so.
    const timedOut = ev('m.call.hangup', { call_id: 'unknown', reason: 'invite_timeout' }, '@bob:x', 60_000);
    assert.equal(line(timedOut, '@alice:x'), 'Missed call');
    assert.equal(line(timedOut, '@bob:x'), 'No answer');
    // Refused as busy: the caller reads who was; the one called missed it. A call given up in glare has no end line.
    const busy = ev('m.call.hangup', { call_id: 'b', reason: 'user_busy' }, '@bob:x', 1_000);
    assert.equal(line(busy, '@alice:x'), 'Bob was busy');
    assert.equal(line(busy, '@bob:x'), 'Missed call');
    assert.equal(callEventText(parseCallSignal(busy)!, name, undefined), 'Bob was busy', 'the room list, without context');
    assert.equal(line(ev('m.call.hangup', { call_id: 'b', reason: 'replaced' }, '@alice:x', 1_000), '@bob:x'), null);
    assert.equal(formatCallDuration(7_900), '0:07');
    assert.equal(formatCallDuration(3_725_000), '1:02:05');
  });

  it('says what a refused or missing microphone or camera means', () => {
    const err = (name: string) => Object.assign(new Error('x'), { name });
    assert.match(mediaErrorText(err('NotAllowedError'), false), /may not use your microphone\. Allow/);
    assert.match(mediaErrorText(err('NotAllowedError'), true), /may not use your microphone and camera/);
    assert.match(mediaErrorText(err('NotFoundError'), true), /No camera or microphone was found/);
    assert.match(mediaErrorText(err('NotFoundError'), false), /No microphone was found/);
    assert.match(mediaErrorText(err('NotReadableError'), false), /another program may be using it/);
  });
});
