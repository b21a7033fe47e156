/**
 * A loopback HTTP proxy in front of the test homeserver that can slow chosen requests down, hold them until told,
 * and records every response status, so tests can make a request slow enough to cancel, see the 429s the client
 * met, and choose what one /sync response carries. While it plays an unreachable homeserver it counts the requests
 * it turns away, so a test can wait for the client's retries themselves instead of a stretch of time.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxyLogEntry { method: string; path: string; status: number }

export interface TestProxy {
  url: string;
  log: ProxyLogEntry[];
  /** Requests whose path matches are held this long before being forwarded. */
  delay(pattern: RegExp, ms: number): void;
  clearDelays(): void;
  /** The next `times` requests matching `pattern` get this response instead of reaching the server. */
  inject(pattern: RegExp, status: number, body: object, times: number): void;
  /** Ends every `inject` still due: those requests reach the server again. */
  clearInjections(): void;
  /**
   * Requests whose path matches wait, unforwarded, until `release`; one already forwarded and still unanswered
   * (a /sync long poll) has its connection dropped, so the client asks again and that request waits too. Whatever
   * the server gets meanwhile then comes in one answer.
   */
  hold(pattern: RegExp): void;
  /** Resolves once `count` requests (default 1) have been held since the last `release`. */
  held(count?: number): Promise<void>;
  /** Ends `hold`: the waiting requests go to the server. */
  release(): void;
  /**
   * Ends `hold` for new requests only: those already waiting stay unanswered, as on a connection that went silent,
   * until `release` or until the client gives up on them.
   */
  stopHolding(): void;
  /** While down, every request's connection is dropped, as when the homeserver is unreachable. */
  setDown(down: boolean): void;
  /**
   * Resolves with the paths of the next `count` requests matching `pattern` whose connection is dropped because the
   * proxy is down (counted from this call).
   */
  dropped(pattern: RegExp, count: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<TestProxy> {
  const t = new URL(target);
  const log: ProxyLogEntry[] = [];
  let delays: { pattern: RegExp; ms: number }[] = [];
  let down = false;
  const injections: { pattern: RegExp; status: number; body: object; times: number }[] = [];
  const sockets = new Set<Socket>();
  let holding: RegExp | undefined;
  let waiting: (() => void)[] = [];
  let onHeld: { count: number; notify: () => void }[] = [];
  let onDropped: { pattern: RegExp; count: number; paths: string[]; notify: (paths: string[]) => void }[] = [];
  /** Requests forwarded and not yet answered, by path. */
  const inFlight = new Map<http.IncomingMessage, string>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (down) {
      req.socket.destroy();
      for (const d of onDropped) if (d.pattern.test(path)) d.paths.push(path);
      const due = onDropped.filter((d) => d.paths.length >= d.count);
      onDropped = onDropped.filter((d) => d.paths.length < d.count);
      for (const d of due) d.notify(d.paths);
      return;
    }
    const inj = injections.find((i) => i.times > 0 && i.pattern.test(path));
    if (inj) {
      inj.times--;
      log.push({ method: req.method ?? '', path, status: inj.status });
      res.writeHead(inj.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(inj.body));
      return;
    }
    const forward = () => {
      inFlight.set(req, path);
      res.on('close', () => inFlight.delete(req));
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path, headers: { ...req.headers, host: t.host } }, (upRes) => {
        log.push({ method: req.method ?? '', path, status: upRes.statusCode ?? 0 });
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
      req.pipe(up);
    };
    if (holding?.test(path)) {
      waiting.push(forward);
      const due = onHeld.filter((h) => waiting.length >= h.count);
      onHeld = onHeld.filter((h) => waiting.length < h.count);
      for (const h of due) h.notify();
      return;
    }
    const wait = delays.find((d) => d.pattern.test(path))?.ms ?? 0;
    const timer = setTimeout(forward, wait);
    res.on('close', () => clearTimeout(timer));
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    delay: (pattern, ms) => { delays.push({ pattern, ms }); },
    clearDelays: () => { delays = []; },
    inject: (pattern, status, body, times) => { injections.push({ pattern, status, body, times }); },
    clearInjections: () => { injections.length = 0; },
    hold: (pattern) => {
      holding = pattern;
      for (const [req, path] of inFlight) if (pattern.test(path)) req.socket.destroy();
    },
    held: (count = 1) => (waiting.length >= count ? Promise.resolve() : new Promise<void>((notify) => { onHeld.push({ count, notify }); })),
    release: () => {
      holding = undefined;
      const go = waiting;
      waiting = [];
      for (const forward of go) forward();
    },
    stopHolding: () => { holding = undefined; },
    setDown: (d) => {
      down = d;
      // In-flight long polls must fail too, not only new requests.
      if (d) for (const s of sockets) s.destroy();
    },
    dropped: (pattern, count) => new Promise<string[]>((notify) => { onDropped.push({ pattern, count, paths: [], notify }); }),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
