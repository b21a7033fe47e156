/**
 * 1:1 voice and video calls as Element makes them (the Matrix VoIP module, version "1"): WebRTC runs here in the
 * renderer, and the signalling events go out through the backend's `send_event` (encrypted in an encrypted room like
 * any event) and come back in through the sync. One call at a time; the UI (ui/calls) reads `CallManager.current`.
 * The events' reading and the decisions about them are pure, in call-signals.ts.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { Event, JSONObject, SyncComplete } from '../../shared/rpc/types.ts';
import {
  CALL_ANSWER, CALL_CANDIDATES, CALL_HANGUP, CALL_INVITE, CALL_REJECT, CALL_SELECT_ANSWER, DEFAULT_INVITE_LIFETIME_MS,
  callContent, parseCallSignal, ringRemaining, shouldRing, type CallCandidate, type CallSignal,
} from './call-signals.ts';
import { mediaErrorText } from './call-media.ts';
import { listeners } from './listeners.ts';
import type { RpcClient } from './rpc-client.ts';
import type { Store } from './store.ts';

/** ringing: an invite to us; calling: our invite, not answered yet; then connecting, connected, ended. */
export type CallPhase = 'ringing' | 'calling' | 'connecting' | 'connected' | 'ended';

export interface CallView {
  callId: string;
  roomId: string;
  /** The other person. */
  peerId: string;
  direction: 'incoming' | 'outgoing';
  video: boolean;
  phase: CallPhase;
  /** When the media connected (the in-call clock counts from it). */
  connectedAt: number | undefined;
  muted: boolean;
  cameraOff: boolean;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /** Why the call ended, in words (set with phase `ended`). */
  endedText: string | undefined;
  /** True when the end was a problem (the microphone refused, the connection failed) rather than a hang-up. */
  failed: boolean;
}

/** How long an ended call stays on screen before it closes itself (a failure stays until closed). */
const ENDED_SHOWN_MS = 4000;
/** Candidates found within this long go out in one m.call.candidates event, as Element batches them. */
const CANDIDATE_BATCH_MS = 150;

export class CallManager {
  private view: CallView | null = null;
  private readonly changed = listeners();
  private pc: RTCPeerConnection | null = null;
  /** The invite we ring for (incoming), kept for its offer. */
  private invite: Extract<CallSignal, { type: 'invite' }> | null = null;
  /** The other side's party, once it answered (outgoing) or from its invite (incoming). */
  private peerParty: string | undefined;
  private remoteCandidates: CallCandidate[] = [];
  private localCandidates: CallCandidate[] = [];
  private candidateTimer: ReturnType<typeof setTimeout> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sends: Promise<unknown> = Promise.resolve();
  /** Calls answered, rejected or hung up, wherever seen (history included): their invites never ring. */
  private readonly settled = new Set<string>();
  private readonly seen = new Set<string>();
  /** Events that came undecryptable in a batch that was not live: decrypted later, they are still history. */
  private readonly historic = new Set<string>();
  /** Caught up with the server (init_complete): only invites arriving after that may ring. */
  private live = false;
  private readonly partyId = `lattice-${Math.random().toString(36).slice(2, 12)}`;
  private readonly client: RpcClient;
  private readonly store: Store;

  constructor(client: RpcClient, store: Store) {
    this.client = client;
    this.store = store;
  }

  readonly subscribe = this.changed.subscribe;
  readonly current = (): CallView | null => this.view;

  /** Listens to the backend's events; returns the unsubscriber. */
  start(): () => void {
    const offs = [
      this.client.onStatus((s) => { if (s.state !== 'open') this.live = false; }),
      this.client.on('sync_complete', (d) => this.onSync(d)),
      this.client.on('events_decrypted', (d) => this.onEvents(d.room_id, d.events)),
      this.client.on('init_complete', () => { this.live = true; }),
    ];
    return () => { for (const off of offs) off(); };
  }

  private get ownUserId(): string {
    return this.store.getSnapshot().clientState?.user_id ?? '';
  }

  private onSync(d: SyncComplete): void {
    if (d.clear_state) this.live = false;
    // The stored state sent on connecting, and a fresh login's first /sync (no `since`), are history, not news.
    const live = this.live && !d.clear_state && Boolean(d.since);
    for (const [roomId, room] of Object.entries(d.rooms ?? {})) {
      if (room.events?.length) this.onEvents(roomId, room.events, live);
    }
  }

  private onEvents(roomId: string, events: readonly Event[], live = this.live): void {
    const signals: { sig: CallSignal; live: boolean }[] = [];
    for (const e of [...events].sort((a, b) => a.timestamp - b.timestamp || a.rowid - b.rowid)) {
      if (e.event_id.startsWith('~') || this.seen.has(e.event_id)) continue;
      const sig = parseCallSignal(e);
      if (!sig) {
        // Still encrypted: it comes again in events_decrypted, as old as it is now.
        if (!live) this.historic.add(e.event_id);
        continue;
      }
      this.seen.add(e.event_id);
      signals.push({ sig, live: live && !this.historic.has(e.event_id) });
      if (sig.type === 'answer' || sig.type === 'reject' || sig.type === 'hangup') this.settled.add(sig.callId);
    }
    for (const { sig, live: isLive } of signals) this.onSignal(roomId, sig, isLive);
  }

  private onSignal(roomId: string, sig: CallSignal, live: boolean): void {
    const me = this.ownUserId;
    if (sig.type === 'invite') {
      if (!this.view && shouldRing(sig, me, Date.now(), live, this.settled)) this.ring(roomId, sig);
      return;
    }
    const v = this.view;
    if (!v || v.callId !== sig.callId || v.phase === 'ended') return;
    // Our own events come back through the sync; another device of ours answering or declining stops the ringing.
    if (sig.sender === me) {
      if (sig.partyId !== this.partyId && v.phase === 'ringing' && (sig.type === 'answer' || sig.type === 'reject')) this.close();
      return;
    }
    if (sig.sender !== v.peerId) return;
    switch (sig.type) {
      case 'answer':
        if (v.direction === 'outgoing' && v.phase === 'calling') void this.answered(sig);
        break;
      case 'candidates':
        if (this.peerParty === undefined || sig.partyId === undefined || sig.partyId === this.peerParty) this.addRemote(sig.candidates);
        break;
      case 'select_answer':
        if (v.direction === 'incoming' && sig.selectedPartyId !== undefined && sig.selectedPartyId !== this.partyId) {
          this.end('The call was answered on another device.', false);
        }
        break;
      case 'reject':
        if (v.phase === 'calling') this.end('The call was declined.', false);
        break;
      case 'hangup':
        if (v.phase === 'ringing') this.close();
        else this.end('The call ended.', false);
        break;
      default:
        break;
    }
  }

  private set(patch: Partial<CallView>): void {
    if (!this.view) return;
    this.view = { ...this.view, ...patch };
    this.changed.notify();
  }

  private ring(roomId: string, invite: Extract<CallSignal, { type: 'invite' }>): void {
    this.invite = invite;
    this.peerParty = invite.partyId;
    this.remoteCandidates = [];
    this.view = blankView(invite.callId, roomId, invite.sender, 'incoming', invite.video, 'ringing');
    this.changed.notify();
    // Unanswered when its lifetime is over: it stops ringing (the timeline shows the missed call).
    this.timer = setTimeout(() => { if (this.view?.phase === 'ringing') this.close(); }, ringRemaining(invite, Date.now()));
  }

  /** Calls the other person of a DM; voice only unless `video`. */
  async place(roomId: string, peerId: string, video: boolean): Promise<void> {
    if (this.view && this.view.phase !== 'ended') return;
    this.reset();
    const callId = `${Date.now()}${Math.random().toString(36).slice(2, 10)}`;
    this.view = blankView(callId, roomId, peerId, 'outgoing', video, 'calling');
    this.changed.notify();
    const stream = await this.media(video);
    if (!stream || this.view?.callId !== callId) return;
    const pc = await this.connection(stream);
    if (!pc) return;
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.send(CALL_INVITE, callContent(callId, this.partyId, {
        lifetime: DEFAULT_INVITE_LIFETIME_MS, offer: { type: 'offer', sdp: offer.sdp ?? '' }, invitee: peerId,
      }));
      this.timer = setTimeout(() => {
        if (this.view?.phase !== 'calling') return;
        this.send(CALL_HANGUP, callContent(callId, this.partyId, { reason: 'invite_timeout' }));
        this.end(`No answer.`, false);
      }, DEFAULT_INVITE_LIFETIME_MS);
    } catch (e) {
      this.end(`The call could not be started: ${errorMessage(e)}`, true);
    }
  }

  /** Answers the ringing call. */
  async accept(): Promise<void> {
    const v = this.view;
    const invite = this.invite;
    if (!v || v.phase !== 'ringing' || !invite) return;
    clearTimeout(this.timer);
    this.set({ phase: 'connecting' });
    const stream = await this.media(v.video);
    if (!stream) {
      this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'user_media_failed' }));
      return;
    }
    const pc = await this.connection(stream);
    if (!pc) return;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: invite.sdp });
      this.flushRemote();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.send(CALL_ANSWER, callContent(v.callId, this.partyId, { answer: { type: 'answer', sdp: answer.sdp ?? '' } }));
    } catch (e) {
      this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'ice_failed' }));
      this.end(`The call could not be answered: ${errorMessage(e)}`, true);
    }
  }

  /** Declines the ringing call (m.call.reject, so the caller's other devices stop too). */
  decline(): void {
    const v = this.view;
    if (!v || v.phase !== 'ringing') return;
    this.send(CALL_REJECT, callContent(v.callId, this.partyId));
    this.close();
  }

  /** Hangs up (or cancels our unanswered call). */
  hangUp(): void {
    const v = this.view;
    if (!v || v.phase === 'ended') return;
    if (v.phase === 'ringing') return this.decline();
    this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'user_hangup' }));
    this.end('You ended the call.', false);
  }

  toggleMute(): void {
    const v = this.view;
    if (!v?.localStream) return;
    for (const t of v.localStream.getAudioTracks()) t.enabled = v.muted;
    this.set({ muted: !v.muted });
  }

  toggleCamera(): void {
    const v = this.view;
    if (!v?.localStream || !v.video) return;
    for (const t of v.localStream.getVideoTracks()) t.enabled = v.cameraOff;
    this.set({ cameraOff: !v.cameraOff });
  }

  /** Closes an ended call's view. */
  dismiss(): void {
    if (this.view?.phase === 'ended') this.close();
  }

  private async media(video: boolean): Promise<MediaStream | null> {
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no media devices'), { name: 'NotSupportedError' });
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
      if (this.view?.phase === 'ended' || !this.view) {
        for (const t of stream.getTracks()) t.stop();
        return null;
      }
      this.set({ localStream: stream });
      return stream;
    } catch (e) {
      this.end(mediaErrorText(e, video), true);
      return null;
    }
  }

  /** The peer connection with our tracks, the homeserver's TURN servers (none when it has none) and its handlers. */
  private async connection(stream: MediaStream): Promise<RTCPeerConnection | null> {
    const turn = await this.client.request('get_turn_servers', {}).catch(() => null);
    const v = this.view;
    if (!v || v.phase === 'ended') return null;
    const iceServers: RTCIceServer[] = turn ? [{ urls: turn.uris, username: turn.username, credential: turn.password }] : [];
    const pc = new RTCPeerConnection({ iceServers });
    this.pc = pc;
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.onicecandidate = (ev) => {
      if (!ev.candidate?.candidate) return;
      this.localCandidates.push({
        candidate: ev.candidate.candidate,
        ...(ev.candidate.sdpMid !== null ? { sdpMid: ev.candidate.sdpMid } : {}),
        ...(ev.candidate.sdpMLineIndex !== null ? { sdpMLineIndex: ev.candidate.sdpMLineIndex } : {}),
      });
      this.candidateTimer ??= setTimeout(() => this.flushLocal(), CANDIDATE_BATCH_MS);
    };
    pc.ontrack = (ev) => {
      const remote = ev.streams[0] ?? new MediaStream([ev.track]);
      this.set({ remoteStream: remote });
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      if (pc.connectionState === 'connected' && this.view?.phase !== 'connected') this.set({ phase: 'connected', connectedAt: Date.now() });
      if (pc.connectionState === 'failed') {
        const wasConnected = this.view?.connectedAt !== undefined;
        this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'ice_failed' }));
        this.end(wasConnected ? 'The connection was lost.' : 'The call could not connect: no network path was found between you.', true);
      }
    };
    return pc;
  }

  private flushLocal(): void {
    this.candidateTimer = undefined;
    const v = this.view;
    if (!v || v.phase === 'ended' || this.localCandidates.length === 0) return;
    const candidates = this.localCandidates.splice(0);
    this.send(CALL_CANDIDATES, callContent(v.callId, this.partyId, { candidates: candidates as unknown as JSONObject[] }));
  }

  private addRemote(candidates: CallCandidate[]): void {
    this.remoteCandidates.push(...candidates.filter((c) => c.candidate !== ''));
    if (this.pc?.remoteDescription) this.flushRemote();
  }

  private flushRemote(): void {
    const pc = this.pc;
    if (!pc) return;
    for (const c of this.remoteCandidates.splice(0)) {
      pc.addIceCandidate(c).catch((e: unknown) => console.warn('lattice: a call candidate was refused', e));
    }
  }

  private async answered(sig: Extract<CallSignal, { type: 'answer' }>): Promise<void> {
    const v = this.view;
    if (!v || !this.pc) return;
    clearTimeout(this.timer);
    this.peerParty = sig.partyId;
    this.set({ phase: 'connecting' });
    this.send(CALL_SELECT_ANSWER, callContent(v.callId, this.partyId, { selected_party_id: sig.partyId ?? '' }));
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: sig.sdp });
      this.flushRemote();
    } catch (e) {
      this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'ice_failed' }));
      this.end(`The call could not connect: ${errorMessage(e)}`, true);
    }
  }

  /** Sends signalling events in order (candidates after their invite or answer); a failed send ends the call. */
  private send(type: string, content: JSONObject): void {
    const roomId = this.view?.roomId;
    if (!roomId) return;
    this.sends = this.sends.then(() => this.client.request('send_event', { room_id: roomId, type, content })).catch((e: unknown) => {
      if (this.view && this.view.phase !== 'ended' && content.call_id === this.view.callId) {
        this.end(`The call could not reach the other side: ${errorMessage(e)}`, true);
      }
    });
  }

  /** Stops the media and shows the call as ended, closing by itself a moment later unless it failed. */
  private end(text: string, failed: boolean): void {
    if (!this.view) return;
    this.settled.add(this.view.callId);
    this.teardown();
    this.set({ phase: 'ended', endedText: text, failed, localStream: null, remoteStream: null });
    const callId = this.view.callId;
    if (!failed) this.timer = setTimeout(() => { if (this.view?.callId === callId) this.close(); }, ENDED_SHOWN_MS);
  }

  private close(): void {
    if (this.view) this.settled.add(this.view.callId);
    this.teardown();
    this.view = null;
    this.changed.notify();
  }

  private teardown(): void {
    clearTimeout(this.timer);
    clearTimeout(this.candidateTimer);
    this.candidateTimer = undefined;
    this.localCandidates = [];
    this.pc?.close();
    this.pc = null;
    for (const t of this.view?.localStream?.getTracks() ?? []) t.stop();
  }

  private reset(): void {
    this.teardown();
    this.invite = null;
    this.peerParty = undefined;
    this.remoteCandidates = [];
  }
}

function blankView(callId: string, roomId: string, peerId: string, direction: CallView['direction'], video: boolean, phase: CallPhase): CallView {
  return {
    callId, roomId, peerId, direction, video, phase, connectedAt: undefined, muted: false, cameraOff: false,
    localStream: null, remoteStream: null, endedText: undefined, failed: false,
  };
}
