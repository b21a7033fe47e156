/**
 * The renderer's own `WebSocketTransport`, run in Node: the socket comes from the `ws` package so a test can send
 * the web host's session cookie, which a browser would attach by itself.
 */
import { WebSocket } from 'ws';
import { RequestIds } from '../../src/renderer/api/transport.ts';
import { WebSocketTransport, type TokenStorage, type WebSocketLike } from '../../src/renderer/api/websocket-transport.ts';

export interface NodeWebSocketOptions {
  /** e.g. `{ Cookie: 'lattice_session=…' }` */
  headers?: Record<string, string>;
  ids?: RequestIds;
  /** Where the web host's session token is kept, as a page's localStorage. */
  storage?: TokenStorage | null;
}

export function nodeWebSocketTransport(url: string, opts: NodeWebSocketOptions = {}): WebSocketTransport {
  const headers = opts.headers ?? {};
  return new WebSocketTransport({
    url,
    probeUrl: url.replace(/^ws/, 'http'),
    ids: opts.ids ?? new RequestIds(),
    createSocket: (u, protocols) => nodeSocket(u, headers, protocols),
    probe: async (u, token) => (await fetch(u, { headers: token ? { ...headers, 'X-Lattice-Token': token } : headers, cache: 'no-store' })).status,
    storage: opts.storage ?? null,
    takeLoginKey: () => null,
  });
}

/** Adapts a `ws` socket to the few browser WebSocket members the transport uses. */
function nodeSocket(url: string, headers: Record<string, string>, protocols?: string[]): WebSocketLike {
  const ws = new WebSocket(url, protocols ?? [], { headers });
  const like: WebSocketLike = {
    onopen: null, onclose: null, onmessage: null, onerror: null,
    send: (data) => { ws.send(data); },
    close: (code, reason) => { ws.close(code, reason); },
  };
  ws.on('open', () => like.onopen?.(undefined));
  ws.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    // A browser hands text frames over as strings, and the transport ignores anything else.
    like.onmessage?.({ data: isBinary ? bytes : bytes.toString('utf8') });
  });
  ws.on('error', (err) => like.onerror?.(err));
  ws.on('close', (code, reason) => like.onclose?.({ code, reason: reason.toString() }));
  return like;
}
