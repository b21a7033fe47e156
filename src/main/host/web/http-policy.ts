/**
 * What every response of the web host shares: the Host and Origin checks against DNS rebinding and foreign pages,
 * the security headers (with a CSP naming the host's own address), and plain-text replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const NOT_AUTHENTICATED = 'Not authenticated: open a login link from the web host (it prints one when it starts; '
  + '`web-main --login-link` prints another).';

export function isLoopbackHost(h: string): boolean {
  const host = h.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(host);
}

export function isWildcardHost(h: string): boolean {
  return h === '' || h === '0.0.0.0' || h === '::';
}

/** A host as it appears in a URL authority (IPv6 in brackets). */
export function urlHost(h: string): string {
  return h.includes(':') ? `[${h}]` : h;
}

export class HttpPolicy {
  private readonly bindHost: string;
  // Filled in once the port is known.
  private ownAuthorities = new Set<string>();
  private ownOrigins = new Set<string>();
  private csp = '';

  constructor(bindHost: string) {
    this.bindHost = bindHost;
  }

  /** Learns the port the server listens on; only then are the own addresses and the CSP known. */
  listeningOn(port: number): void {
    const hosts = ['127.0.0.1', 'localhost', '::1'];
    if (!isWildcardHost(this.bindHost) && !hosts.includes(this.bindHost.toLowerCase())) hosts.push(this.bindHost.toLowerCase());
    this.ownAuthorities = new Set(hosts.map((h) => `${urlHost(h)}:${port}`));
    this.ownOrigins = new Set([...this.ownAuthorities].map((a) => `http://${a}`));
    this.csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      // A voice message's preview plays the recording from a blob: URL before it is uploaded.
      "media-src 'self' blob:",
      // 'self' covers same-origin ws: in CSP3, but older engines (Safari) need the scheme spelled out. Not for
      // IPv6 literals: CSP's host grammar has no brackets, and Chromium rejects (and logs) `ws://[::1]:PORT`.
      `connect-src 'self' ${[...this.ownAuthorities].filter((a) => !a.startsWith('[')).map((a) => `ws://${a}`).join(' ')}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
  }

  // A page on any origin can ask the browser to open a websocket here, and cookies are shared by every port of
  // 127.0.0.1; the Origin check is what stops such a page from riding on the user's cookie.
  originAllowed(req: IncomingMessage): boolean {
    return this.origin(req) !== 'foreign';
  }

  /** `none`: not sent, i.e. not a browser (browsers send Origin on every websocket handshake and POST). */
  origin(req: IncomingMessage): 'none' | 'own' | 'foreign' {
    const origin = req.headers.origin;
    if (origin === undefined) return 'none';
    return this.ownOrigin(origin, req) ? 'own' : 'foreign';
  }

  private ownOrigin(origin: string, req: IncomingMessage): boolean {
    const o = origin.toLowerCase();
    if (this.ownOrigins.has(o)) return true;
    // Bound to a LAN address, the page's own origin is whatever name the user typed; it must match Host.
    return !isLoopbackHost(this.bindHost) && req.headers.host !== undefined && o === `http://${req.headers.host.toLowerCase()}`;
  }

  // On loopback, any other Host means DNS rebinding (a foreign name resolving to 127.0.0.1).
  hostAllowed(req: IncomingMessage): boolean {
    return !isLoopbackHost(this.bindHost) || (req.headers.host !== undefined && this.ownAuthorities.has(req.headers.host.toLowerCase()));
  }

  securityHeaders(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  }
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(body.endsWith('\n') ? body : `${body}\n`);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}
