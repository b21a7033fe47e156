/**
 * Keeps a sync response from undoing account data the backend has just written and stored itself.
 *
 * A command that changes push rules reads the new rules back from the homeserver and stores them at once, so its
 * answer (and the next command) sees them. A /sync request already on its way at that moment may answer with the
 * rules as they were before: long-polls and the request made ahead of time are both sent earlier. Storing that
 * answer would undo the change until a later sync brought it again (a room just unmuted reads as muted). So each
 * request notes the tick it was sent at, each local write moves the tick, and account data of a type written after
 * a request was sent is not stored from its answer: the caller fetches it afresh instead, which also picks up a
 * change made elsewhere in between.
 */
export class AccountDataFence {
  private tick = 0;
  private readonly written = new Map<string, number>();

  /** The tick to note when a sync request is sent. */
  now(): number {
    return this.tick;
  }

  /** Account data of `type` was written to the homeserver, read back and stored. */
  wrote(type: string): void {
    this.written.set(type, ++this.tick);
  }

  /** Whether the answer to a request sent at `sentAt` may carry `type` older than what is stored. */
  isStale(type: string, sentAt: number): boolean {
    return (this.written.get(type) ?? 0) > sentAt;
  }
}
