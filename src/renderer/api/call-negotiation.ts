/**
 * Changing a call's media once it is on (m.call.negotiate, VoIP version 1): WebRTC's "perfect negotiation" with
 * Matrix events as the signalling channel. Either side offers when its connection says negotiation is needed (a
 * track added or taken away: screen sharing, the camera turned on in a voice call) and the other answers. When
 * both offer at once, the spec's politeness decides: the callee is polite (it rolls its own offer back and answers
 * the other), the caller impolite (it ignores the other's offer; the callee offers again after answering).
 * Nothing is negotiated before the call's first offer and answer are done (the invite and answer carry that one),
 * nor with a version 0 client, which knows no m.call.negotiate.
 */
import { errorMessage } from '../../shared/error-message.ts';
import { NEGOTIATE_LIFETIME_MS } from './call-signals.ts';

export interface SessionDescription { type: 'offer' | 'answer'; sdp: string }

export class CallNegotiation {
  private readonly pc: RTCPeerConnection;
  private readonly polite: boolean;
  private readonly send: (description: SessionDescription, lifetime: number) => void;
  /** The first offer and answer are done, and the other side understands m.call.negotiate. */
  private open = false;
  private makingOffer = false;
  /** Their offers are handled one after another, each once the previous one is answered. */
  private queue: Promise<void> = Promise.resolve();
  private offerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(pc: RTCPeerConnection, polite: boolean, send: (description: SessionDescription, lifetime: number) => void) {
    this.pc = pc;
    this.polite = polite;
    this.send = send;
    pc.addEventListener('negotiationneeded', () => { void this.offer(); });
  }

  /**
   * The call's own offer and answer are set: from now on a change of media is negotiated, unless the other side is
   * version 0. Before, the negotiationneeded events are the ones adding our tracks raises, which the invite's offer
   * (or our answer) already covers.
   */
  ready(peerVersion: 0 | 1): void {
    this.open = peerVersion === 1;
  }

  get negotiable(): boolean {
    return this.open;
  }

  private async offer(): Promise<void> {
    if (!this.open || this.pc.signalingState === 'closed') return;
    this.makingOffer = true;
    try {
      await this.pc.setLocalDescription();
      const d = this.pc.localDescription;
      if (d?.type !== 'offer') return;
      this.send({ type: 'offer', sdp: d.sdp }, NEGOTIATE_LIFETIME_MS);
      // Unanswered within its lifetime, the offer has failed (the spec): it is taken back, so the call goes on as it was.
      clearTimeout(this.offerTimer);
      this.offerTimer = setTimeout(() => {
        if (this.pc.signalingState === 'have-local-offer' && this.pc.localDescription?.sdp === d.sdp) {
          this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
        }
      }, NEGOTIATE_LIFETIME_MS);
    } catch (e) {
      console.warn('lattice: a call renegotiation offer failed', errorMessage(e));
    } finally {
      this.makingOffer = false;
    }
  }

  /** Their m.call.negotiate: an offer is answered (or ignored, by the impolite side, when ours crossed it); an answer is set. */
  received(description: SessionDescription): void {
    this.queue = this.queue.then(() => this.apply(description)).catch((e: unknown) => {
      console.warn('lattice: a call renegotiation failed', errorMessage(e));
    });
  }

  private async apply(description: SessionDescription): Promise<void> {
    if (!this.open || this.pc.signalingState === 'closed') return;
    if (description.type === 'answer') {
      // An answer to an offer we no longer have (taken back when it timed out) changes nothing.
      if (this.pc.signalingState !== 'have-local-offer') return;
      clearTimeout(this.offerTimer);
      await this.pc.setRemoteDescription(description);
      return;
    }
    const collision = this.makingOffer || this.pc.signalingState !== 'stable';
    if (collision && !this.polite) return;
    // Polite and crossed by ours: setting theirs rolls ours back; the connection asks again for what ours wanted.
    clearTimeout(this.offerTimer);
    await this.pc.setRemoteDescription(description);
    await this.pc.setLocalDescription();
    const answer = this.pc.localDescription;
    if (answer?.type === 'answer') this.send({ type: 'answer', sdp: answer.sdp }, NEGOTIATE_LIFETIME_MS);
  }

  stop(): void {
    clearTimeout(this.offerTimer);
    this.open = false;
  }
}
