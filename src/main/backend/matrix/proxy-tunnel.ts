/**
 * https through an http proxy: an agent whose connections are CONNECT tunnels (RFC 9110 9.3.6), with TLS to the
 * homeserver inside, its certificate checked against the homeserver's name as on a direct connection. The proxy sees
 * only the homeserver's name and port (and the proxy's own credentials); the requests, the access token among them,
 * travel encrypted. Tunnels are kept alive and reused like the global agent's connections.
 *
 * Why not Node's own proxy support (an agent's `proxyEnv`, NODE_USE_ENV_PROXY; Node 24.5 and later): it proxies
 * loopback addresses unless no_proxy lists them, an agent reads the environment once when it is made (the global one
 * at start), and which Node 24 release an Electron build bundles cannot be checked here (its binary cannot be
 * downloaded), while 24.0 to 24.4 lack it. The tunnel itself is a few lines over http.request.
 */
import type { RequestOptions as HttpsRequestOptions, Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { describeNetworkCode } from './errors.ts';
import type { Proxy } from './proxy-env.ts';

// From process.getBuiltinModule rather than imported: see http-transport.ts (an import of node:http loads undici).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** The proxy answered a request with a refusal (a CONNECT other than 2xx, or a 407 to a forwarded request). */
export class ProxyRefused extends Error {
  readonly status: number;
  constructor(proxy: string, status: number, statusText: string) {
    super(`the proxy at ${proxy} refused the connection: ${status} ${statusText || http.STATUS_CODES[status] || ''}`.trimEnd());
    this.name = 'ProxyRefused';
    this.status = status;
  }
}

/**
 * The proxy itself could not be reached. Its connection's error is kept as `connectError`, not as `cause`: a cause's
 * code would be read as the homeserver's (ConnectionError's wording looks through `cause`, for fetch's errors).
 */
export class ProxyUnreachable extends Error {
  readonly connectError: NodeJS.ErrnoException;
  constructor(proxy: string, connectError: NodeJS.ErrnoException) {
    super(`the proxy at ${proxy} could not be reached: ${describeNetworkCode(connectError.code) ?? connectError.message}`);
    this.name = 'ProxyUnreachable';
    this.connectError = connectError;
  }
}

/** Request options the tunnel agent reads: the request's own signal, so a cancelled request stops its CONNECT too. */
export interface TunnelOptions {
  tunnelSignal?: AbortSignal;
}

type Created = (err: Error | null, stream: Duplex) => void;
/** The agent's callback as it is called on a failure: Node's agent reads no stream along with an error. */
type Failed = (err: Error) => void;

class TunnelAgent extends https.Agent {
  private readonly proxy: Proxy;

  constructor(proxy: Proxy) {
    // As https.globalAgent: kept-alive connections, the most recent reused first, idle ones closed after 5 s.
    super({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
    this.proxy = proxy;
  }

  override createConnection(options: HttpsRequestOptions & TunnelOptions, callback?: Created): Duplex | null | undefined {
    const done = callback ?? (() => {});
    const fail = (callback ?? (() => {})) as Failed;
    const host = options.host ?? options.hostname ?? 'localhost';
    const authority = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
    const signal = options.tunnelSignal;
    const connect = http.request({
      host: this.proxy.url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.proxy.url.port || 80,
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...(this.proxy.authorization ? { 'Proxy-Authorization': this.proxy.authorization } : {}) },
      agent: false,
      signal,
    });
    connect.once('connect', (res, socket, head) => {
      if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) {
        socket.destroy();
        fail(new ProxyRefused(this.proxy.shown, res.statusCode ?? 0, res.statusMessage ?? ''));
        return;
      }
      // TLS starts with the client's hello, so the proxy has nothing to send before it; keep anything anyway.
      if (head.length > 0) socket.unshift(head);
      // https.Agent's own connection, over the tunnel: same TLS options, session reuse and name check.
      const tls = super.createConnection({ ...options, socket } as HttpsRequestOptions);
      if (tls) done(null, tls);
      else fail(new Error('no TLS connection over the proxy tunnel'));
    });
    connect.once('error', (e: NodeJS.ErrnoException) => {
      fail(signal?.aborted || e.name === 'AbortError' ? e : new ProxyUnreachable(this.proxy.shown, e));
    });
    connect.end();
    return undefined;
  }
}

const agents = new Map<string, TunnelAgent>();

/** The tunnelling agent for a proxy (one per proxy address and credentials, so their tunnels are reused). */
export function tunnelAgent(proxy: Proxy): HttpsAgent {
  let agent = agents.get(proxy.url.href);
  if (!agent) {
    agent = new TunnelAgent(proxy);
    agents.set(proxy.url.href, agent);
  }
  return agent;
}
