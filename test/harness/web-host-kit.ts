/**
 * Helpers for the web server's tests: an in-memory backend, raw HTTP requests, a websocket client that records
 * what it gets (and can inflate gomuks' compressed frames), and signing in as a browser through a login link.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants, createInflateRaw } from 'node:zlib';
import { WebSocket } from 'ws';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../../src/main/backend/rpc/connection.ts';
import type { WebServer } from '../../src/main/host/web/web-server.ts';
import type { WebAuth } from '../../src/main/host/web/web-auth.ts';

export const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-STATIC';

export interface FakeConn { received: unknown[]; closed: boolean; send: EnvelopeSink; emit(command: string, data?: unknown): void }

/**
 * An in-memory backend: run_id on connect, echoes requests; `flood` answers 100 kB, `emit` sends `data.count`
 * events, `logout` answers true.
 */
export class FakeBackend implements BackendHost {
  readonly conns: FakeConn[] = [];
  connect(send: EnvelopeSink): BackendConnection {
    let next = -1;
    const c: FakeConn = {
      received: [], closed: false, send,
      emit: (command, data = {}) => send({ command, request_id: next--, data }),
    };
    this.conns.push(c);
    c.emit('run_id', { run_id: 'fake-run', etag: 'e' });
    return {
      receive: (raw) => {
        c.received.push(raw);
        const env = raw as Envelope;
        if (typeof env.request_id !== 'number' || env.request_id <= 0) return;
        if (env.command === 'flood') send({ command: 'response', request_id: env.request_id, data: 'x'.repeat(100_000) });
        else if (env.command === 'emit') {
          const n = (env.data as { count: number }).count;
          for (let i = 0; i < n; i++) c.emit('typing', { room_id: '!r:x', user_ids: [`@u${i}:x`] });
          send({ command: 'response', request_id: env.request_id, data: n });
        } else if (env.command === 'logout') send({ command: 'response', request_id: env.request_id, data: true });
        else send({ command: 'response', request_id: env.request_id, data: { echo: env.command } });
      },
      close: () => { c.closed = true; },
    };
  }
}

export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

export function rawRequest(port: number, reqPath: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: reqPath, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A websocket client with a message queue; `status` is the HTTP status when the upgrade was refused. */
export class Client {
  readonly messages: Envelope[] = [];
  readonly frames: { binary: boolean; lines: number }[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly ws: WebSocket;
  private constructor(ws: WebSocket, compressed: boolean) {
    this.ws = ws;
    const inflate = compressed ? createInflateRaw() : undefined;
    let inflating = Promise.resolve();
    ws.on('message', (d, isBinary) => {
      const buf = Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d);
      if (!inflate) {
        this.frames.push({ binary: isBinary, lines: 1 });
        this.messages.push(JSON.parse(buf.toString('utf8')) as Envelope);
        return;
      }
      // One stream for the whole connection: inflate frame after frame, in order.
      inflating = inflating.then(() => new Promise<void>((resolve) => {
        const out: Buffer[] = [];
        const onData = (c: Buffer) => out.push(c);
        inflate.on('data', onData);
        inflate.write(buf);
        inflate.flush(constants.Z_SYNC_FLUSH, () => {
          inflate.off('data', onData);
          const text = Buffer.concat(out).toString('utf8');
          assert.ok(text.endsWith('\n'), 'every compressed frame ends with a newline');
          const lines = text.split('\n').filter((l) => l !== '');
          this.frames.push({ binary: isBinary, lines: lines.length });
          for (const l of lines) this.messages.push(JSON.parse(l) as Envelope);
          resolve();
        });
      }));
    });
    ws.on('close', (code, reason) => { this.closeCode = code; this.closeReason = reason.toString(); });
  }
  static open(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<{ client?: Client; status?: number; body?: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { headers });
      const client = new Client(ws, /[?&]compress=1/.test(url));
      ws.once('open', () => resolve({ client }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => { resolve({ status: res.statusCode, body }); ws.terminate(); });
      });
      ws.once('error', (e) => { if (ws.readyState !== WebSocket.CLOSED) reject(e); });
    });
  }
  send(v: unknown): void { this.ws.send(typeof v === 'string' ? v : JSON.stringify(v)); }
  async next(pred: (e: Envelope) => boolean = () => true, ms = 3000): Promise<Envelope> {
    let found: Envelope | undefined;
    await until(() => {
      const i = this.messages.findIndex(pred);
      if (i >= 0) [found] = this.messages.splice(i, 1);
      return found !== undefined;
    }, ms);
    return found as Envelope;
  }
  get closed(): boolean { return this.closeCode !== undefined; }
  close(code?: number): void { this.ws.close(code); }
}

export async function makeStatic(root: string): Promise<string> {
  const dir = path.join(root, 'static');
  await mkdir(path.join(dir, 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Lattice</title><div id="root"></div>');
  await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("app")');
  await writeFile(path.join(dir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(root, 'secret.txt'), SECRET_TEXT);
  await symlink(path.join(root, 'secret.txt'), path.join(dir, 'link.txt'));
  return dir;
}

export function cookieFrom(setCookie: string | string[] | null | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  assert.ok(first, 'expected a Set-Cookie header');
  return first.split(';')[0];
}

/** A browser's half of a web session: the cookie it sends by itself and the token its page keeps. */
export interface BrowserSession { cookie: string; token: string }

/** Signs in as a browser would: the login link's key, redeemed once at /_gomuks/auth?output=json. */
export async function signIn(server: WebServer, auth: WebAuth): Promise<BrowserSession> {
  const key = new URL(auth.loginUrl(server.url)).searchParams.get('token') ?? '';
  const res = await fetch(`${server.url}/_gomuks/auth?output=json&token=${key}`, { method: 'POST' });
  assert.equal(res.status, 201);
  const cookie = cookieFrom(res.headers.get('set-cookie'));
  const { token } = await res.json() as { token: string };
  return { cookie, token };
}

/** Opens the websocket as the page would: same Origin, the cookie, the token as a subprotocol. */
export function openAsBrowser(server: WebServer, s: BrowserSession, query = ''): Promise<{ client?: Client; status?: number; body?: string }> {
  return Client.open(`ws://127.0.0.1:${server.port}/_gomuks/websocket${query}`,
    { Cookie: s.cookie, Origin: `http://127.0.0.1:${server.port}` }, ['lattice', `lattice.token.${s.token}`]);
}
