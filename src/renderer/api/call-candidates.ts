/**
 * The ICE candidates of one call, both ways: ours batched into few m.call.candidates events (those found within
 * CANDIDATE_BATCH_MS go out together, as Element batches them), and theirs held until the peer connection has their
 * description (candidates can arrive before their answer, or while the invite still rings).
 */
import type { CallCandidate } from './call-signals.ts';

/** Candidates found within this long go out in one m.call.candidates event. */
const CANDIDATE_BATCH_MS = 150;

export class CallCandidates {
  private local: CallCandidate[] = [];
  private remote: CallCandidate[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly sendBatch: (candidates: CallCandidate[]) => void;

  constructor(sendBatch: (candidates: CallCandidate[]) => void) {
    this.sendBatch = sendBatch;
  }

  /** One of ours (onicecandidate), sent with the others found soon after. */
  found(c: RTCIceCandidate): void {
    if (!c.candidate) return;
    this.local.push({
      candidate: c.candidate,
      ...(c.sdpMid !== null ? { sdpMid: c.sdpMid } : {}),
      ...(c.sdpMLineIndex !== null ? { sdpMLineIndex: c.sdpMLineIndex } : {}),
    });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.local.length) this.sendBatch(this.local.splice(0));
    }, CANDIDATE_BATCH_MS);
  }

  /** Theirs: given to `pc` now if it has their description, else kept for applyTo. */
  received(candidates: CallCandidate[], pc: RTCPeerConnection | null): void {
    this.remote.push(...candidates.filter((c) => c.candidate !== ''));
    if (pc?.remoteDescription) this.applyTo(pc);
  }

  /** Gives `pc` the candidates of theirs kept so far (once it has their description). */
  applyTo(pc: RTCPeerConnection): void {
    for (const c of this.remote.splice(0)) {
      pc.addIceCandidate(c).catch((e: unknown) => console.warn('lattice: a call candidate was refused', e));
    }
  }

  /** Ours found and not sent yet are dropped (the call ended). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.local = [];
  }
}
