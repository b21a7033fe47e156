/**
 * A forward proxy for tests, as a corporate proxy works: CONNECT opens a tunnel, an absolute-URI request is forwarded.
 * It resolves every `*.test` name to 127.0.0.1 (at the port asked), as a proxy resolves names its clients cannot, so
 * a client reaches this machine's servers through it by name (loopback addresses themselves are never proxied).
 * It records every request it saw and every byte a client sent inside a tunnel.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxySeen { method: string; url: string; headers: http.IncomingHttpHeaders }

/** The credentials the 'auth' proxy wants (user `alice`, password `s:cret`). */
export const PROXY_CREDENTIALS = `Basic ${Buffer.from('alice:s:cret').toString('base64')}`;

export type ProxyMode = 'open' | 'auth' | 'silent';

export interface ForwardProxy {
  port: number;
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  seen: ProxySeen[];
  tunnelled: Buffer[];
  close(): Promise<void>;
}

/**
 * Starts the proxy. 'open' lets everything through (CONNECT to a name not under `.test` gets 502 Bad Gateway), 'auth'
 * wants PROXY_CREDENTIALS (else 407), 'silent' accepts connections and never answers.
 */
export async function startForwardProxy(mode: ProxyMode): Promise<ForwardProxy> {
  const seen: ProxySeen[] = [];
  /** Every byte the client sent inside the tunnels. */
  const tunnelled: Buffer[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (mode === 'silent') return;
    if (mode === 'auth' && req.headers['proxy-authorization'] !== PROXY_CREDENTIALS) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': 0 });
      res.end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = http.request({ host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (mode === 'silent') return;
    if (mode === 'auth' && req.headers['proxy-authorization'] !== PROXY_CREDENTIALS) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host = '', port = ''] = (req.url ?? '').split(':');
    if (!host.endsWith('.test')) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const up = net.connect(Number(port), '127.0.0.1', () => {
      sockets.add(up);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      client.on('data', (c: Buffer) => tunnelled.push(c));
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  // A tunnel's sockets leave the server's keeping once it answers CONNECT: closed here.
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port, url: `http://127.0.0.1:${port}`, seen, tunnelled,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
  };
}
