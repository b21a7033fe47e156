/**
 * Writes envelopes to one websocket. Plain: one JSON text frame per envelope. With gomuks' `compress=1`: one
 * connection-wide raw-deflate stream, backend-to-client only, in binary frames that each end in a sync flush; the
 * envelopes waiting when a frame is written go into it together, one JSON object per line (gomuks' batching), up to
 * about 256 KiB per frame.
 */
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { WebSocket } from 'ws';

const PREFERRED_MAX_FRAME = 256 * 1024;

export class FrameWriter {
  private readonly ws: WebSocket;
  private readonly deflate: DeflateRaw | undefined;
  private queue: string[] = [];
  private queuedBytes = 0;
  private writing = false;
  private closeAfter: { code: number; reason: string } | undefined;

  constructor(ws: WebSocket, compress: boolean) {
    this.ws = ws;
    this.deflate = compress ? createDeflateRaw() : undefined;
    this.deflate?.on('error', () => this.ws.terminate());
  }

  /** Bytes not yet handed to the network: queued here or in the socket. */
  get backlog(): number {
    return this.queuedBytes + this.ws.bufferedAmount;
  }

  send(text: string): void {
    if (this.closeAfter || this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.deflate) { this.ws.send(text); return; }
    this.queue.push(text);
    this.queuedBytes += text.length;
    if (!this.writing) {
      this.writing = true;
      // Whatever else is sent in this turn of the event loop joins the same frame.
      setImmediate(() => this.writeFrame());
    }
  }

  /** Closes once everything already sent is on its way. */
  close(code: number, reason: string): void {
    if (this.closeAfter) return;
    this.closeAfter = { code, reason };
    if (!this.writing) this.finish();
  }

  private finish(): void {
    this.deflate?.close();
    if (this.closeAfter && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) {
      this.ws.close(this.closeAfter.code, this.closeAfter.reason);
    }
  }

  private writeFrame(): void {
    const deflate = this.deflate;
    if (!deflate || this.queue.length === 0 || this.ws.readyState !== WebSocket.OPEN) {
      this.writing = false;
      this.queue = [];
      this.queuedBytes = 0;
      if (this.closeAfter) this.finish();
      return;
    }
    const lines: string[] = [];
    let size = 0;
    while (this.queue.length > 0 && (lines.length === 0 || size < PREFERRED_MAX_FRAME)) {
      const next = this.queue.shift() as string;
      lines.push(next);
      size += next.length;
    }
    this.queuedBytes -= size;
    const out: Buffer[] = [];
    const onData = (chunk: Buffer) => out.push(chunk);
    deflate.on('data', onData);
    deflate.write(`${lines.join('\n')}\n`);
    deflate.flush(constants.Z_SYNC_FLUSH, () => {
      deflate.off('data', onData);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.concat(out), { binary: true });
      if (this.queue.length > 0) setImmediate(() => this.writeFrame());
      else {
        this.writing = false;
        if (this.closeAfter) this.finish();
      }
    });
  }
}
