/**
 * The Matrix VoIP module's signalling events (legacy 1:1 calls, version "1": m.call.invite, .candidates, .answer,
 * .select_answer, .reject, .hangup, .negotiate, which changes a call's media once it is on, and
 * .sdp_stream_metadata_changed; the stream metadata itself is call-metadata.ts) read from timeline
 * events and written for sending, and the pure decisions around
 * them: whether an invite should ring, be answered "busy" or settle glare (inviteDecision), and what a finished call
 * looks like in the timeline ("Call ended · 2:31", "Missed call", "Bob was busy"). No WebRTC here (calls.ts does
 * that), so all of it is unit-tested.
 */
import { effectiveContent, effectiveType } from '../../shared/event-cleartext.ts';
import type { Event, JSONObject, JSONValue } from '../../shared/rpc/types.ts';
import { readStreamMetadata, type SdpStreamMetadata } from './call-metadata.ts';

export const CALL_INVITE = 'm.call.invite';
export const CALL_CANDIDATES = 'm.call.candidates';
export const CALL_ANSWER = 'm.call.answer';
export const CALL_SELECT_ANSWER = 'm.call.select_answer';
export const CALL_REJECT = 'm.call.reject';
export const CALL_HANGUP = 'm.call.hangup';
export const CALL_NEGOTIATE = 'm.call.negotiate';
/** A stream's mute flags changed (call-metadata.ts); matrix-js-sdk sends it under the unstable name. */
export const CALL_METADATA_CHANGED = 'm.call.sdp_stream_metadata_changed';
const CALL_METADATA_CHANGED_UNSTABLE = 'org.matrix.call.sdp_stream_metadata_changed';

/** The hang-up reason of a call refused because the user is in (or ringing for, or placing) another call. */
export const REASON_USER_BUSY = 'user_busy';
/**
 * The hang-up reason of the call given up in glare, as Element sends it (matrix-js-sdk's CallErrorCode.Replaced; the
 * spec's list of reasons lacks it): the two sides went on in the other call, so the timeline does not show this end.
 */
export const REASON_REPLACED = 'replaced';

/** ringing: an invite to us; calling: our invite, not answered yet; then connecting, connected, ended. */
export type CallPhase = 'ringing' | 'calling' | 'connecting' | 'connected' | 'ended';

/** How long an invite rings when it says nothing (the spec's invites always carry `lifetime`; Element uses 60 s). */
export const DEFAULT_INVITE_LIFETIME_MS = 60_000;

/** How long our m.call.negotiate offers are valid for (and theirs, when one says nothing): Element's value. */
export const NEGOTIATE_LIFETIME_MS = 60_000;

export interface CallCandidate { candidate: string; sdpMid?: string; sdpMLineIndex?: number }

/**
 * The VoIP version an event says it follows: 0 (the integer of the first spec, or "0") or 1, which the spec says any
 * other value means too. A version 0 client knows no m.call.negotiate: a call with one cannot change its media.
 */
export type CallVersion = 0 | 1;

/**
 * One signalling event, its common fields read and checked. `metadata`: the sender's streams (call-metadata.ts),
 * undefined when it sends none. A negotiate's `age`: how old the server said it was when it came (unsigned.age).
 */
export type CallSignal = { callId: string; partyId: string | undefined; sender: string; eventId: string; ts: number; version: CallVersion } & (
  | { type: 'invite'; sdp: string; lifetime: number; video: boolean; invitee: string | undefined; metadata: SdpStreamMetadata | undefined }
  | { type: 'candidates'; candidates: CallCandidate[] }
  | { type: 'answer'; sdp: string; metadata: SdpStreamMetadata | undefined }
  | { type: 'select_answer'; selectedPartyId: string | undefined }
  | { type: 'reject' }
  | { type: 'hangup'; reason: string | undefined }
  | { type: 'negotiate'; description: { type: 'offer' | 'answer'; sdp: string }; lifetime: number; age: number | undefined;
    metadata: SdpStreamMetadata | undefined }
  | { type: 'metadata'; metadata: SdpStreamMetadata }
);

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: JSONValue | undefined): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** Whether an SDP offers video: a call with a video track is a video call, as Element tells them apart. */
export function sdpHasVideo(sdp: string): boolean {
  return /^m=video /m.test(sdp);
}

/** The call signal an event carries (its cleartext in an encrypted room), or null for anything else or a bad one. */
export function parseCallSignal(e: Event): CallSignal | null {
  const type = effectiveType(e);
  if (!(type.startsWith('m.call.') || type === CALL_METADATA_CHANGED_UNSTABLE) || e.redacted_by) return null;
  const c = effectiveContent(e);
  const callId = str(c.call_id);
  if (!callId) return null;
  const version: CallVersion = c.version === 0 || c.version === '0' ? 0 : 1;
  const base = { callId, partyId: str(c.party_id), sender: e.sender, eventId: e.event_id, ts: e.timestamp, version };
  switch (type) {
    case CALL_INVITE: {
      const sdp = str(obj(c.offer)?.sdp);
      if (!sdp) return null;
      const lifetime = typeof c.lifetime === 'number' && c.lifetime > 0 ? c.lifetime : DEFAULT_INVITE_LIFETIME_MS;
      return { ...base, type: 'invite', sdp, lifetime, video: sdpHasVideo(sdp), invitee: str(c.invitee), metadata: readStreamMetadata(c) };
    }
    case CALL_CANDIDATES: {
      const list = Array.isArray(c.candidates) ? c.candidates : [];
      const candidates: CallCandidate[] = [];
      for (const item of list) {
        const o = obj(item);
        const candidate = str(o?.candidate);
        if (!o || candidate === undefined) continue;
        candidates.push({
          candidate,
          ...(typeof o.sdpMid === 'string' ? { sdpMid: o.sdpMid } : {}),
          ...(typeof o.sdpMLineIndex === 'number' ? { sdpMLineIndex: o.sdpMLineIndex } : {}),
        });
      }
      return { ...base, type: 'candidates', candidates };
    }
    case CALL_ANSWER: {
      const sdp = str(obj(c.answer)?.sdp);
      return sdp ? { ...base, type: 'answer', sdp, metadata: readStreamMetadata(c) } : null;
    }
    case CALL_SELECT_ANSWER:
      return { ...base, type: 'select_answer', selectedPartyId: str(c.selected_party_id) };
    case CALL_REJECT:
      return { ...base, type: 'reject' };
    case CALL_HANGUP:
      return { ...base, type: 'hangup', reason: str(c.reason) };
    case CALL_NEGOTIATE: {
      const d = obj(c.description);
      const sdp = str(d?.sdp);
      const kind = d?.type;
      if (!sdp || (kind !== 'offer' && kind !== 'answer')) return null;
      const lifetime = typeof c.lifetime === 'number' && c.lifetime > 0 ? c.lifetime : NEGOTIATE_LIFETIME_MS;
      const age = typeof e.unsigned?.age === 'number' ? e.unsigned.age : undefined;
      return { ...base, type: 'negotiate', description: { type: kind, sdp }, lifetime, age, metadata: readStreamMetadata(c) };
    }
    case CALL_METADATA_CHANGED:
    case CALL_METADATA_CHANGED_UNSTABLE: {
      const metadata = readStreamMetadata(c);
      return metadata ? { ...base, type: 'metadata', metadata } : null;
    }
    default:
      return null;
  }
}

/** The fields every version "1" signalling event starts with. */
export function callContent(callId: string, partyId: string, rest: JSONObject = {}): JSONObject {
  return { call_id: callId, party_id: partyId, version: '1', ...rest };
}

/**
 * Whether an invite should ring now: someone else's, meant for us (or for anyone, an invite without `invitee`),
 * arrived live (not found in history or in the first sync after connecting: `live`), still within its lifetime by
 * our clock, and not already answered, rejected or hung up (`settled`, the call IDs seen with such an event).
 */
export function shouldRing(invite: Extract<CallSignal, { type: 'invite' }>, ownUserId: string, now: number,
  live: boolean, settled: ReadonlySet<string>): boolean {
  if (!live || invite.sender === ownUserId || settled.has(invite.callId)) return false;
  if (invite.invitee !== undefined && invite.invitee !== ownUserId) return false;
  return now - invite.ts < invite.lifetime;
}

/** What an invite meets here: this frontend's call, if it has one (`inviteSent`: our own invite has gone out). */
export interface CallInProgress {
  callId: string;
  roomId: string;
  peerId: string;
  direction: 'incoming' | 'outgoing';
  phase: CallPhase;
  inviteSent: boolean;
}

/**
 * What to do with an invite: `ignore` it (not one to ring for: see shouldRing; or the call we have), `ring`, refuse it
 * as `busy` (another call is on: connected, connecting, ringing, or placed to someone else), or settle glare, when
 * it comes from the person we are calling, in the same room, before they answered: `take-theirs` (we had not sent
 * our invite yet, or theirs has the lesser call ID: ours is given up and theirs answered for us) or `keep-ours`
 * (ours has the lesser ID: theirs is hung up; they answer ours, as their client applies the same rule).
 */
export type InviteDecision = 'ignore' | 'ring' | 'busy' | 'take-theirs' | 'keep-ours';

/**
 * The spec's rules (VoIP module, "Glare"; `user_busy` of m.call.hangup): the call IDs compare as strings (the
 * grammar allows only ASCII, so code units order them as the spec's lexicographical comparison does).
 */
export function inviteDecision(invite: Extract<CallSignal, { type: 'invite' }>, roomId: string, current: CallInProgress | null,
  ownUserId: string, now: number, live: boolean, settled: ReadonlySet<string>): InviteDecision {
  if (!shouldRing(invite, ownUserId, now, live, settled)) return 'ignore';
  if (!current || current.phase === 'ended') return 'ring';
  if (current.callId === invite.callId) return 'ignore';
  const glare = current.direction === 'outgoing' && current.phase === 'calling' && current.roomId === roomId
    && current.peerId === invite.sender;
  if (!glare) return 'busy';
  if (!current.inviteSent) return 'take-theirs';
  return invite.callId < current.callId ? 'take-theirs' : 'keep-ours';
}

/**
 * Whether an m.call.negotiate is too old to act on (the spec: one older than its lifetime is ignored): its age as the
 * server gave it when it arrived (unsigned.age, which no clock difference skews), else by its origin_server_ts.
 */
export function negotiateExpired(sig: Extract<CallSignal, { type: 'negotiate' }>, now: number): boolean {
  return (sig.age ?? now - sig.ts) > sig.lifetime;
}

/** How long until a ringing invite times out (never below zero). */
export function ringRemaining(invite: Extract<CallSignal, { type: 'invite' }>, now: number): number {
  return Math.max(0, invite.lifetime - (now - invite.ts));
}

/** 0:07, 2:31, 1:02:05: a call's length as a clock shows it. */
export function formatCallDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** What the timeline knows of one call from the events loaded: who started it, when it was answered. */
export interface CallRecord { caller: string; video: boolean; answeredAt: number | undefined }

/** Every call of a room's loaded events, by call ID (invites and the first answer to each). */
export function callRecords(events: Iterable<Event>): Map<string, CallRecord> {
  const calls = new Map<string, CallRecord>();
  const answers = new Map<string, number>();
  for (const e of events) {
    const sig = parseCallSignal(e);
    if (sig?.type === 'invite') calls.set(sig.callId, { caller: sig.sender, video: sig.video, answeredAt: undefined });
    else if (sig?.type === 'answer') answers.set(sig.callId, Math.min(answers.get(sig.callId) ?? Infinity, sig.ts));
  }
  for (const [id, at] of answers) {
    const rec = calls.get(id);
    if (rec) rec.answeredAt = at;
  }
  return calls;
}

/** What the timeline needs to word a call's end: the calls loaded, and who is reading. */
export interface CallContext { calls: ReadonlyMap<string, CallRecord>; ownUserId: string | undefined }

type Name = (userId: string) => string;

/**
 * A call event's line in the timeline, or null for the ones it hides (candidates, answers, answer selection, the
 * hang-up of a call given up in glare): "Alice started a video call", "Bob declined the call", "Call ended · 2:31",
 * "Missed call", "No answer", "Bob was busy".
 */
export function callEventText(sig: CallSignal, name: Name, ctx: CallContext | undefined): string | null {
  const rec = ctx?.calls.get(sig.callId);
  switch (sig.type) {
    case 'invite':
      return `${name(sig.sender)} started a ${sig.video ? 'video' : 'voice'} call`;
    case 'reject':
      return `${name(sig.sender)} declined the call`;
    case 'hangup': {
      // Given up in glare for the other call, which has its own lines.
      if (sig.reason === REASON_REPLACED) return null;
      // Refused because that person was in another call: the caller reads who was busy; the one called missed it.
      if (sig.reason === REASON_USER_BUSY) return ctx && sig.sender === ctx.ownUserId ? 'Missed call' : `${name(sig.sender)} was busy`;
      // Its invite not loaded (further back in history, or a room list that holds only this event): the caller's
      // hang-up for a ring nobody answered still says it was missed; otherwise nothing more is known.
      if (!rec) return sig.reason === 'invite_timeout' ? (sig.sender === ctx?.ownUserId ? 'No answer' : 'Missed call') : 'Call ended';
      if (rec.answeredAt !== undefined) return `Call ended · ${formatCallDuration(sig.ts - rec.answeredAt)}`;
      // Never answered: the person called missed it; the caller was not answered (or gave up first).
      if (rec.caller !== ctx?.ownUserId) return 'Missed call';
      return sig.reason === 'invite_timeout' ? 'No answer' : 'Call cancelled';
    }
    default:
      return null;
  }
}
