/**
 * 1:1 voice and video calls as Element makes them (the Matrix VoIP module, version "1"): WebRTC runs here in the
 * renderer, and the signalling events go out through the backend's `send_event` (encrypted in an encrypted room like
 * any event) and come back in through the sync. One call at a time, as the spec and Element settle the others: an invite
 * that arrives during a call is refused as busy (`user_busy`), calls placed by both sides at once (glare) become one,
 * and a call answered or declined on another of our devices stops ringing here. The UI (ui/calls) reads
 * `CallManager.current`. The events' reading and the decisions about them are pure, in call-signals.ts.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { Event, JSONObject, SyncComplete } from '../../shared/rpc/types.ts';
import {
  CALL_ANSWER, CALL_CANDIDATES, CALL_HANGUP, CALL_INVITE, CALL_REJECT, CALL_SELECT_ANSWER, DEFAULT_INVITE_LIFETIME_MS,
  REASON_REPLACED, REASON_USER_BUSY, callContent, inviteDecision, parseCallSignal, ringRemaining, type CallSignal,
} from './call-signals.ts';
import { CallCandidates } from './call-candidates.ts';
import { CallDevices } from './call-devices.ts';
import { mediaErrorText } from './call-media.ts';
import { blankView, type CallView } from './call-view.ts';
import { listeners } from './listeners.ts';
import { openMedia } from './media-devices.ts';
import type { RpcClient } from './rpc-client.ts';
import type { Store } from './store.ts';

/** How long an ended call stays on screen before it closes itself (a failure stays until closed). */
const ENDED_SHOWN_MS = 4000;
/** What the ringing frontend says when another device of ours took the call. */
const ANSWERED_ELSEWHERE = 'Answered on another device.';

export class CallManager {
  private view: CallView | null = null;
  private readonly changed = listeners();
  private pc: RTCPeerConnection | null = null;
  /** The invite we ring for (incoming), kept for its offer. */
  private invite: Extract<CallSignal, { type: 'invite' }> | null = null;
  /** The other side's party, once it answered (outgoing) or from its invite (incoming). */
  private peerParty: string | undefined;
  private candidates = new CallCandidates(() => undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sends: Promise<unknown> = Promise.resolve();
  /** A microphone or camera unplugged mid-call: the call goes on with the default one. */
  private readonly devices = new CallDevices(() => {
    const v = this.view;
    return v?.localStream && v.phase !== 'ended' ? { ...v, localStream: v.localStream, pc: this.pc } : null;
  }, (callId, stream, notice) => {
    if (this.view?.callId !== callId || this.view.phase === 'ended') return false;
    this.set({ localStream: stream, deviceNote: notice });
    return true;
  });
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
    offs.push(this.devices.start());
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
    if (sig.type === 'invite') return this.onInvite(roomId, sig, live);
    const v = this.view;
    if (!v || v.callId !== sig.callId || v.phase === 'ended') return;
    // Our own events come back through the sync. Another device of ours answering stops the ringing here and says
    // so; declining, or refusing it as busy (the caller gives up on that), stops it without a word, as in Element.
    if (sig.sender === me) {
      if (sig.partyId === this.partyId || v.phase !== 'ringing') return;
      if (sig.type === 'answer') this.end(ANSWERED_ELSEWHERE, false);
      else if (sig.type === 'reject' || (sig.type === 'hangup' && sig.reason === REASON_USER_BUSY)) this.close();
      return;
    }
    if (sig.sender !== v.peerId) return;
    switch (sig.type) {
      case 'answer':
        if (v.direction === 'outgoing' && v.phase === 'calling') void this.answered(sig);
        break;
      case 'candidates':
        if (this.peerParty === undefined || sig.partyId === undefined || sig.partyId === this.peerParty) this.candidates.received(sig.candidates, this.pc);
        break;
      case 'select_answer':
        // The caller took another answer than ours (or, ringing here, one we have not seen yet): another device's.
        if (v.direction === 'incoming' && sig.selectedPartyId !== undefined && sig.selectedPartyId !== this.partyId) {
          this.end(ANSWERED_ELSEWHERE, false);
        }
        break;
      case 'reject':
        if (v.phase === 'calling') this.end('The call was declined.', false);
        break;
      case 'hangup':
        if (v.phase === 'ringing') this.close();
        else if (v.phase === 'calling' && sig.reason === REASON_USER_BUSY) this.end('', false, { busy: true });
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

  /** An invite: rung for, refused as busy, or met with our own call to the same person (glare), by the spec's rules. */
  private onInvite(roomId: string, invite: Extract<CallSignal, { type: 'invite' }>, live: boolean): void {
    switch (inviteDecision(invite, roomId, this.view, this.ownUserId, Date.now(), live, this.settled)) {
      case 'ring':
        this.reset();
        this.ring(roomId, invite);
        break;
      case 'busy':
        // Refused for this device only as the spec's `user_busy` hang-up (a reject would decline it on every device).
        this.settled.add(invite.callId);
        this.send(CALL_HANGUP, callContent(invite.callId, this.partyId, { reason: REASON_USER_BUSY }), roomId);
        break;
      case 'keep-ours':
        // Theirs has the greater ID: they give it up and answer ours (their client applies the same rule).
        this.settled.add(invite.callId);
        this.send(CALL_HANGUP, callContent(invite.callId, this.partyId, { reason: REASON_REPLACED }), roomId);
        break;
      case 'take-theirs':
        this.takeTheirs(roomId, invite);
        break;
      default:
        break;
    }
  }

  /**
   * Glare, ours given up: hung up (if it went out at all) and theirs answered for the user, with the microphone and
   * camera already opened for ours, so it looks as if they had simply answered.
   */
  private takeTheirs(roomId: string, invite: Extract<CallSignal, { type: 'invite' }>): void {
    const v = this.view;
    if (!v) return;
    if (v.inviteSent) this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: REASON_REPLACED }));
    this.settled.add(v.callId);
    const carried = { localStream: v.localStream, muted: v.muted, cameraOff: v.cameraOff };
    this.reset(false);
    // Not shown ringing: answered at once.
    this.ring(roomId, invite, carried, false);
    void this.accept();
  }

  private ring(roomId: string, invite: Extract<CallSignal, { type: 'invite' }>, carried: Partial<CallView> = {}, notify = true): void {
    this.invite = invite;
    this.peerParty = invite.partyId;
    this.candidates = this.candidatesOf(invite.callId);
    this.view = { ...blankView(invite.callId, roomId, invite.sender, 'incoming', invite.video, 'ringing'), ...carried };
    if (notify) this.changed.notify();
    // Unanswered when its lifetime is over: it stops ringing (the timeline shows the missed call).
    this.timer = setTimeout(() => { if (this.view?.phase === 'ringing') this.close(); }, ringRemaining(invite, Date.now()));
  }

  /** Calls the other person of a DM; voice only unless `video`. */
  async place(roomId: string, peerId: string, video: boolean): Promise<void> {
    if (this.view && this.view.phase !== 'ended') return;
    this.reset();
    const callId = `${Date.now()}${Math.random().toString(36).slice(2, 10)}`;
    this.candidates = this.candidatesOf(callId);
    this.view = blankView(callId, roomId, peerId, 'outgoing', video, 'calling');
    this.changed.notify();
    const stream = await this.media(video, callId);
    if (!stream) return;
    const pc = await this.connection(stream, callId);
    if (!pc) return;
    try {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      // Their invite came meanwhile and ours gave way (glare): this one never goes out.
      if (this.view?.callId !== callId || this.view.phase !== 'calling') return;
      this.send(CALL_INVITE, callContent(callId, this.partyId, {
        lifetime: DEFAULT_INVITE_LIFETIME_MS, offer: { type: 'offer', sdp: offer.sdp ?? '' }, invitee: peerId,
      }));
      this.set({ inviteSent: true });
      this.timer = setTimeout(() => {
        if (this.view?.phase !== 'calling') return;
        this.send(CALL_HANGUP, callContent(callId, this.partyId, { reason: 'invite_timeout' }));
        this.end(`No answer.`, false);
      }, DEFAULT_INVITE_LIFETIME_MS);
    } catch (e) {
      if (this.view?.callId === callId) this.end(`The call could not be started: ${errorMessage(e)}`, true);
    }
  }

  /** Answers the ringing call. */
  async accept(): Promise<void> {
    const v = this.view;
    const invite = this.invite;
    if (!v || v.phase !== 'ringing' || !invite) return;
    clearTimeout(this.timer);
    this.set({ phase: 'connecting' });
    const stream = await this.media(v.video, v.callId);
    if (!stream) {
      if (this.view?.callId === v.callId) this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'user_media_failed' }));
      return;
    }
    const pc = await this.connection(stream, v.callId);
    if (!pc) return;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: invite.sdp });
      this.candidates.applyTo(pc);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      // Answered on another device (or hung up) meanwhile: this answer stays unsent.
      if (this.view?.callId !== v.callId || this.view.phase === 'ended') return;
      this.send(CALL_ANSWER, callContent(v.callId, this.partyId, { answer: { type: 'answer', sdp: answer.sdp ?? '' } }));
    } catch (e) {
      if (this.view?.callId !== v.callId || this.view.phase === 'ended') return;
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

  /**
   * The microphone (and camera) for call `callId`: the stream it already has when it fits (taken over from our call
   * given up in glare), else a new one; null when refused, or when the call is no longer the current one.
   */
  private async media(video: boolean, callId: string): Promise<MediaStream | null> {
    const have = this.view?.localStream;
    if (have) {
      if (have.getVideoTracks().length > 0 === video) return have;
      for (const t of have.getTracks()) t.stop();
      this.set({ localStream: null });
    }
    try {
      // The microphone and camera chosen in Settings, or the defaults (with a note) when they are not connected.
      const { stream, notice } = await openMedia({ audio: true, video });
      if (this.view?.callId !== callId || this.view.phase === 'ended') {
        for (const t of stream.getTracks()) t.stop();
        return null;
      }
      this.devices.watch(stream);
      this.set({ localStream: stream, deviceNote: notice ?? undefined });
      return stream;
    } catch (e) {
      if (this.view?.callId === callId) this.end(mediaErrorText(e, video), true);
      return null;
    }
  }

  /** The peer connection with our tracks, the homeserver's TURN servers (none when it has none) and its handlers. */
  private async connection(stream: MediaStream, callId: string): Promise<RTCPeerConnection | null> {
    const turn = await this.client.request('get_turn_servers', {}).catch(() => null);
    const v = this.view;
    if (!v || v.phase === 'ended' || v.callId !== callId) return null;
    const iceServers: RTCIceServer[] = turn ? [{ urls: turn.uris, username: turn.username, credential: turn.password }] : [];
    const pc = new RTCPeerConnection({ iceServers });
    this.pc = pc;
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    const candidates = this.candidates;
    pc.onicecandidate = (ev) => { if (ev.candidate) candidates.found(ev.candidate); };
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

  /** The candidate queues of a new call: ours go out as m.call.candidates of that call while it is on. */
  private candidatesOf(callId: string): CallCandidates {
    return new CallCandidates((candidates) => {
      const v = this.view;
      if (v?.callId !== callId || v.phase === 'ended') return;
      this.send(CALL_CANDIDATES, callContent(callId, this.partyId, { candidates: candidates as unknown as JSONObject[] }));
    });
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
      this.candidates.applyTo(this.pc);
    } catch (e) {
      this.send(CALL_HANGUP, callContent(v.callId, this.partyId, { reason: 'ice_failed' }));
      this.end(`The call could not connect: ${errorMessage(e)}`, true);
    }
  }

  /** Sends signalling events in order (candidates after their invite or answer); a failed send ends the call. */
  private send(type: string, content: JSONObject, roomId = this.view?.roomId): void {
    if (!roomId) return;
    this.sends = this.sends.then(() => this.client.request('send_event', { room_id: roomId, type, content })).catch((e: unknown) => {
      if (this.view && this.view.phase !== 'ended' && content.call_id === this.view.callId) {
        this.end(`The call could not reach the other side: ${errorMessage(e)}`, true);
      }
    });
  }

  /** Stops the media and shows the call as ended, closing by itself a moment later unless it failed. */
  private end(text: string, failed: boolean, extra: Partial<CallView> = {}): void {
    if (!this.view) return;
    this.settled.add(this.view.callId);
    this.teardown();
    this.set({ phase: 'ended', endedText: text, failed, localStream: null, remoteStream: null, ...extra });
    const callId = this.view.callId;
    if (!failed) this.timer = setTimeout(() => { if (this.view?.callId === callId) this.close(); }, ENDED_SHOWN_MS);
  }

  private close(): void {
    if (this.view) this.settled.add(this.view.callId);
    this.teardown();
    this.view = null;
    this.changed.notify();
  }

  /** Closes the connection and stops the media (unless `stopMedia` is false: glare hands it to the other call). */
  private teardown(stopMedia = true): void {
    clearTimeout(this.timer);
    this.candidates.stop();
    this.pc?.close();
    this.pc = null;
    if (stopMedia) for (const t of this.view?.localStream?.getTracks() ?? []) t.stop();
  }

  private reset(stopMedia = true): void {
    this.teardown(stopMedia);
    this.invite = null;
    this.peerParty = undefined;
  }
}
