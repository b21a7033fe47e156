// A second Matrix user driven straight through the client-server API, so tests
// can act "from the other side" without going through the code under test.

import { randomBytes } from 'node:crypto';
import type { TestUser } from './synapse.ts';

export interface MatrixEvent {
  type: string;
  event_id: string;
  sender: string;
  content: Record<string, any>;
  origin_server_ts: number;
  room_id?: string;
  state_key?: string;
  unsigned?: Record<string, any>;
  [key: string]: any;
}

/** A non-2xx answer from the homeserver, carrying Matrix's errcode. */
export class MatrixApiError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly data: Record<string, any>;
  /** From the body's retry_after_ms or the Retry-After header, for HTTP 429. */
  readonly retryAfterMs: number | undefined;

  constructor(method: string, path: string, status: number, data: Record<string, any>, retryAfterMs?: number) {
    const errcode = typeof data.errcode === 'string' ? data.errcode : `HTTP_${status}`;
    super(`${method} ${path} -> ${status} ${errcode}: ${data.error ?? '(no message)'}`);
    this.name = 'MatrixApiError';
    this.status = status;
    this.errcode = errcode;
    this.data = data;
    this.retryAfterMs = retryAfterMs;
  }
}

let txnCounter = 0;
// Per-process prefix: txn ids are scoped per device, and several test
// processes can share one access token through a fixture.
const txnPrefix = `peer${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

const SYNC_POLL_MS = 5_000;

export class MatrixPeer {
  readonly baseUrl: string;
  readonly user: TestUser;

  constructor(baseUrl: string, user: TestUser) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.user = user;
  }

  get userId(): string {
    return this.user.userId;
  }

  async createRoom(
    opts: { name?: string; invite?: string[]; preset?: string; isDirect?: boolean; creationContent?: Record<string, unknown> } = {},
  ): Promise<string> {
    const body: Record<string, unknown> = {};
    if (opts.creationContent !== undefined) body.creation_content = opts.creationContent;
    if (opts.name !== undefined) body.name = opts.name;
    if (opts.invite !== undefined) body.invite = opts.invite;
    if (opts.preset !== undefined) body.preset = opts.preset;
    if (opts.isDirect !== undefined) body.is_direct = opts.isDirect;
    const res = await this.request('POST', '/_matrix/client/v3/createRoom', body);
    return res.room_id as string;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { user_id: userId });
  }

  /** Returns the joined room's id (useful when joining by alias). */
  async join(roomIdOrAlias: string): Promise<string> {
    const res = await this.request('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`, {});
    return res.room_id as string;
  }

  sendText(roomId: string, body: string): Promise<string> {
    return this.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body });
  }

  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const txnId = `${txnPrefix}.${++txnCounter}`;
    const res = await this.request(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
      content,
    );
    return res.event_id as string;
  }

  async setState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    const res = await this.request(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      content,
    );
    return res.event_id as string;
  }

  async messages(
    roomId: string,
    opts: { dir?: 'b' | 'f'; limit?: number; from?: string } = {},
  ): Promise<{ chunk: MatrixEvent[]; start?: string; end?: string }> {
    const q = new URLSearchParams({ dir: opts.dir ?? 'b' });
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.from !== undefined) q.set('from', opts.from);
    const res = await this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages?${q}`);
    return { chunk: res.chunk ?? [], start: res.start, end: res.end };
  }

  /**
   * Resolves with the first timeline event in `roomId` matching `predicate`,
   * whether it is already in recent history or arrives later.
   */
  async waitForMessage(
    roomId: string,
    predicate: (ev: MatrixEvent) => boolean,
    timeoutMs = 15_000,
  ): Promise<MatrixEvent> {
    const deadline = Date.now() + timeoutMs;
    // A filtered /sync long-poll sees each new event exactly once and wakes
    // up as soon as it lands, which polling /messages cannot promise.
    const filter = JSON.stringify({
      room: {
        rooms: [roomId],
        timeline: { limit: 200 },
        state: { lazy_load_members: true },
        ephemeral: { not_types: ['*'] },
        account_data: { not_types: ['*'] },
      },
      presence: { not_types: ['*'] },
      account_data: { not_types: ['*'] },
    });
    let since: string | undefined;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const q = new URLSearchParams({ filter });
      if (since !== undefined) {
        q.set('since', since);
        q.set('timeout', String(Math.max(0, Math.min(SYNC_POLL_MS, remaining))));
      }
      const res = await this.call('GET', `/_matrix/client/v3/sync?${q}`, undefined, remaining + 10_000);
      for (const section of ['join', 'leave'] as const) {
        const room = res.rooms?.[section]?.[roomId];
        const events: MatrixEvent[] = room?.timeline?.events ?? [];
        for (const ev of events) {
          const withRoom = { room_id: roomId, ...ev };
          if (predicate(withRoom)) return withRoom;
        }
        // More arrived than the timeline window holds; page back over the gap.
        if (room?.timeline?.limited && since !== undefined && room.timeline.prev_batch) {
          const hit = await this.scanBack(roomId, room.timeline.prev_batch, predicate, since);
          if (hit) return hit;
        }
      }
      since = res.next_batch as string;
    }
    throw new Error(
      `waitForMessage: no matching event in ${roomId} for ${this.user.userId} within ${timeoutMs} ms`,
    );
  }

  /** Raw client-server API call; `path` starts with `/_matrix/` or `/_synapse/`. */
  request(method: string, path: string, body?: unknown): Promise<any> {
    return this.call(method, path, body);
  }

  private async scanBack(
    roomId: string,
    from: string,
    predicate: (ev: MatrixEvent) => boolean,
    stopAt: string,
  ): Promise<MatrixEvent | undefined> {
    const q = new URLSearchParams({ dir: 'b', from, to: stopAt, limit: '1000' });
    const res = await this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages?${q}`);
    const chunk: MatrixEvent[] = res.chunk ?? [];
    // /messages backwards is newest-first; report the oldest match like /sync would.
    for (let i = chunk.length - 1; i >= 0; i--) {
      const ev = { room_id: roomId, ...chunk[i] };
      if (predicate(ev)) return ev;
    }
    return undefined;
  }

  private async call(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<any> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.user.accessToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let data: any;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = { error: text.slice(0, 500) };
    }
    if (!res.ok) {
      let retryAfterMs: number | undefined;
      if (typeof data.retry_after_ms === 'number') retryAfterMs = data.retry_after_ms;
      else {
        const header = Number(res.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
      }
      throw new MatrixApiError(method, path.split('?')[0], res.status, data, retryAfterMs);
    }
    return data;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
