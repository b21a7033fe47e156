/**
 * One backend connection as the websocket relay keeps it: it can outlive its websocket for a while, so that a
 * browser that lost its connection resumes where it was (gomuks' `run_id` + `last_received_event`) instead of
 * receiving the whole state again.
 *
 * The relay renumbers the backend's events (negative request ids) from one counter shared by every session of
 * this run, so an event id names one session. Events sent but not yet acknowledged (the `last_received_id` of
 * pings) stay in a bounded buffer; resuming replays those after the client's last one. Responses are not buffered:
 * a client forgets its pending requests when its connection drops, as gomuks' does.
 */
import type { Envelope } from '../../../shared/rpc/index.ts';
import type { BackendConnection } from '../../backend/rpc/connection.ts';
import type { Principal } from './web-auth.ts';

export interface BufferLimits {
  /** Unacknowledged events kept for resumption. */
  maxEvents: number;
  /** The memory their texts may hold (heldBytes), not their length in characters. */
  maxBytes: number;
}

/** Any character V8 cannot keep in a one-byte string (above U+00FF). */
const TWO_BYTE = /[\u0100-\uffff]/;

/**
 * The memory a text holds: V8 keeps a string at one byte per character while every character fits in Latin-1, and
 * at two otherwise (one emoji or CJK character in a diff doubles the whole text). Counting characters would let a
 * buffer of such texts hold twice its limit.
 */
export function heldBytes(text: string): number {
  return TWO_BYTE.test(text) ? text.length * 2 : text.length;
}

/** Where a session writes while a websocket is attached. */
export interface SessionSink {
  send(text: string): void;
  /** Called right after the backend's `run_id` went out: the socket's first image token follows it. */
  runIdSent(): void;
}

interface Buffered { id: number; text: string; bytes: number }

export class RelaySession {
  readonly principal: Principal;
  connection: BackendConnection | undefined;
  sink: SessionSink | undefined;
  /** Data of the backend's last `run_id`, for the one a resumed socket gets. */
  runData: Record<string, unknown> = {};
  /** Ids of `logout` requests in flight: their successful answer signs every browser out. */
  readonly logoutRequests = new Set<number>();
  private readonly limits: BufferLimits;
  private buffer: Buffered[] = [];
  private bytes = 0;
  /** First and last event ids of this session (ids count down). */
  private firstId = 0;
  private lastId = 0;
  /** The most recent event id removed from the buffer, acknowledged or not; 0 while nothing was. */
  private forgottenThrough = 0;
  /** Unacknowledged events had to be dropped while no socket was attached: no resumption possible. */
  overflowed = false;

  constructor(principal: Principal, limits: BufferLimits) {
    this.principal = principal;
    this.limits = limits;
  }

  /** Records an event about to be sent (already renumbered to `id`). */
  record(id: number, text: string): void {
    if (this.firstId === 0) this.firstId = id;
    this.lastId = id;
    const bytes = heldBytes(text);
    this.buffer.push({ id, text, bytes });
    this.bytes += bytes;
    while (this.buffer.length > this.limits.maxEvents || this.bytes > this.limits.maxBytes) {
      if (!this.sink) this.overflowed = true;
      this.forget(this.buffer.shift() as Buffered);
    }
  }

  /** The client has every event up to `lastReceived` (the most recent, i.e. lowest, id it saw). */
  ack(lastReceived: number): void {
    while (this.buffer.length > 0 && this.buffer[0].id >= lastReceived) this.forget(this.buffer.shift() as Buffered);
  }

  /** Whether `lastReceived` is an event of this session. */
  owns(lastReceived: number): boolean {
    return this.firstId !== 0 && lastReceived <= this.firstId && lastReceived >= this.lastId;
  }

  /** The events after `lastReceived`, or undefined if some of them are gone. */
  replayAfter(lastReceived: number): string[] | undefined {
    // A forgotten event newer than the client's last one would be missing from the replay.
    if (this.overflowed || !this.owns(lastReceived) || this.forgottenThrough < lastReceived) return undefined;
    return this.buffer.filter((b) => b.id < lastReceived).map((b) => b.text);
  }

  get bufferedEvents(): number {
    return this.buffer.length;
  }

  /** Renumbers a backend envelope for the wire; events get `id`, with `run_id` naming the relay's run. */
  static renumber(env: Envelope, id: number, runId: string): Envelope {
    if (env.command === 'run_id' && typeof env.data === 'object' && env.data !== null) {
      return { ...env, request_id: id, data: { ...(env.data as Record<string, unknown>), run_id: runId } };
    }
    return { ...env, request_id: id };
  }

  private forget(b: Buffered): void {
    this.bytes -= b.bytes;
    this.forgottenThrough = b.id;
  }
}
