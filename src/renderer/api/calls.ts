/**
 * 1:1 voice and video calls as Element makes them (the Matrix VoIP module, version "1"): WebRTC runs here in the
 * renderer, and the signalling events go out through the backend's `send_event` (encrypted in an encrypted room like
 * any event) and come back in through the sync. One call at a time, as the spec and Element settle the others: an invite
 * that arrives during a call is refused as busy (`user_busy`), calls placed by both sides at once (glare) become one,
 * and a call answered or declined on another of our devices stops ringing here. Once on, a call's media can change:
 * a screen shared, the camera turned on in a voice call (renegotiated with m.call.negotiate: call-negotiation.ts,
 * call-video.ts), each stream described with stream metadata (call-metadata.ts). The UI (ui/calls) reads
 * `CallManager.current`. The events' reading and the decisions about them are pure, in call-signals.ts.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { JSONObject } from '../../shared/rpc/types.ts';
import {
  CALL_ANSWER, CALL_CANDIDATES, CALL_HANGUP, CALL_INVITE, CALL_METADATA_CHANGED, CALL_NEGOTIATE, CALL_REJECT, CALL_SELECT_ANSWER,
  DEFAULT_INVITE_LIFETIME_MS, REASON_REPLACED, REASON_USER_BUSY, callContent, inviteDecision, negotiateExpired, ringRemaining,
  type CallSignal, type CallVersion,
} from './call-signals.ts';
import { metadataContent } from './call-metadata.ts';
import { CallCandidates } from './call-candidates.ts';
import { openConnection } from './call-connection.ts';
import { CallFeed } from './call-feed.ts';
import { CallNegotiation } from './call-negotiation.ts';
import { CallVideo } from './call-video.ts';
import { blankView, endedShownMs, type CallView } from './call-view.ts';
import { listeners } from './listeners.ts';
import type { RpcClient } from './rpc-client.ts';
import type { Store } from './store.ts';

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
  /** The VoIP version of the other side's invite (incoming) or answer (outgoing): 0 cannot renegotiate. */
  private peerVersion: CallVersion = 1;
  private negotiation: CallNegotiation | null = null;
  private readonly video = new CallVideo({
    view: () => this.view, set: (patch) => this.set(patch), pc: () => this.pc, fail: (text) => this.end(text, true),
    metadataChanged: () => this.metadataChanged(),
  });
  private candidates = new CallCandidates(() => undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sends: Promise<unknown> = Promise.resolve();
  private readonly feed = new CallFeed((roomId, sig, live) => this.onSignal(roomId, sig, live));
  /** Calls answered, rejected or hung up, wherever seen (history included): their invites never ring. */
  private readonly settled = this.feed.settled;
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
    const offFeed = this.feed.start(this.client);
    // A device unplugged mid-call: the call goes on with the default one.
    const offDevices = this.video.startDevices();
    return () => { offFeed(); offDevices(); };
  }

  private get ownUserId(): string {
    return this.store.getSnapshot().clientState?.user_id ?? '';
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
      case 'negotiate':
        // One older than its lifetime is ignored (the spec): its offer has been taken back by now.
        if (!live || sig.partyId !== this.peerParty || negotiateExpired(sig, Date.now())) break;
        // Their streams named before the tracks arrive, so each is shown as what it is.
        this.video.peerMetadata(sig.metadata);
        this.negotiation?.received(sig.description);
        break;
      case 'metadata':
        if (sig.partyId === this.peerParty) this.video.peerMetadata(sig.metadata);
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
    const carried = { localStream: v.localStream, muted: v.muted, camera: v.camera, cameraOff: v.cameraOff };
    this.reset(false);
    // Not shown ringing: answered at once.
    this.ring(roomId, invite, carried, false);
    void this.accept();
  }

  private ring(roomId: string, invite: Extract<CallSignal, { type: 'invite' }>, carried: Partial<CallView> = {}, notify = true): void {
    this.invite = invite;
    this.peerParty = invite.partyId;
    this.peerVersion = invite.version;
    this.candidates = this.candidatesOf(invite.callId);
    this.view = { ...blankView(invite.callId, roomId, invite.sender, 'incoming', invite.video, 'ringing'), ...carried };
    this.video.peerMetadata(invite.metadata);
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
    const stream = await this.video.userMedia(video, callId);
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
        ...metadataContent(this.video.localMetadata()),
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
    const stream = await this.video.userMedia(v.video, v.callId);
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
      this.send(CALL_ANSWER, callContent(v.callId, this.partyId, {
        answer: { type: 'answer', sdp: answer.sdp ?? '' }, ...metadataContent(this.video.localMetadata()),
      }));
      this.negotiable();
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

  /** The in-call buttons (call-video.ts): the microphone, the camera, a shared screen. */
  readonly toggleMute = (): void => this.video.toggleMute();
  readonly toggleCamera = (): void => this.video.toggleCamera();
  readonly toggleScreenShare = (): void => this.video.toggleScreenShare();

  /** Our mute flags changed: said to a peer that reads stream metadata (it shows them). */
  private metadataChanged(): void {
    const v = this.view;
    if (!v?.renegotiable || !this.video.peerSendsMetadata) return;
    this.send(CALL_METADATA_CHANGED, callContent(v.callId, this.partyId, metadataContent(this.video.localMetadata())));
  }

  /** The call's first offer and answer are set: from now on its media may change, if the other side can. */
  private negotiable(): void {
    this.negotiation?.ready(this.peerVersion);
    this.set({ renegotiable: this.negotiation?.negotiable ?? false });
  }

  /** Closes an ended call's view. */
  dismiss(): void {
    if (this.view?.phase === 'ended') this.close();
  }

  /** The call's peer connection (call-connection.ts), and its renegotiation. */
  private async connection(stream: MediaStream, callId: string): Promise<RTCPeerConnection | null> {
    const candidates = this.candidates;
    const pc = await openConnection(this.client, stream, {
      wanted: () => this.view?.callId === callId && this.view.phase !== 'ended',
      candidate: (c) => candidates.found(c),
      track: (from, ev) => { if (this.pc === from) this.video.remoteTrack(ev); },
      state: (from) => { if (this.pc === from) this.connectionState(callId, from.connectionState); },
    });
    const v = this.view;
    if (!pc || !v) return null;
    this.pc = pc;
    // The callee is the polite side of renegotiation (the spec; in glare, the one whose call was given up).
    this.negotiation = new CallNegotiation(pc, v.direction === 'incoming', (description, lifetime) => {
      this.send(CALL_NEGOTIATE, callContent(callId, this.partyId, {
        description: { ...description }, lifetime, ...metadataContent(this.video.localMetadata()),
      }));
    });
    return pc;
  }

  private connectionState(callId: string, state: RTCPeerConnectionState): void {
    if (state === 'connected' && this.view?.phase !== 'connected') this.set({ phase: 'connected', connectedAt: Date.now() });
    if (state !== 'failed') return;
    const wasConnected = this.view?.connectedAt !== undefined;
    this.send(CALL_HANGUP, callContent(callId, this.partyId, { reason: 'ice_failed' }));
    this.end(wasConnected ? 'The connection was lost.' : 'The call could not connect: no network path was found between you.', true);
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
    this.peerVersion = sig.version;
    this.set({ phase: 'connecting' });
    this.video.peerMetadata(sig.metadata);
    this.send(CALL_SELECT_ANSWER, callContent(v.callId, this.partyId, { selected_party_id: sig.partyId ?? '' }));
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: sig.sdp });
      this.candidates.applyTo(this.pc);
      this.negotiable();
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
    this.set({ phase: 'ended', endedText: text, failed, localStream: null, screenStream: null, sharing: false, remoteStream: null,
      remoteVideo: false, remoteScreen: null, notice: undefined, ...extra });
    const callId = this.view.callId;
    if (!failed) this.timer = setTimeout(() => { if (this.view?.callId === callId) this.close(); }, endedShownMs());
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
    this.negotiation?.stop();
    this.negotiation = null;
    this.pc?.close();
    this.pc = null;
    for (const t of this.view?.screenStream?.getTracks() ?? []) t.stop();
    if (stopMedia) for (const t of this.view?.localStream?.getTracks() ?? []) t.stop();
  }

  private reset(stopMedia = true): void {
    this.teardown(stopMedia);
    this.invite = null;
    this.peerParty = undefined;
    this.peerVersion = 1;
    this.video.reset();
  }
}
