/**
 * A homeserver that serves recorded /sync responses over real HTTP, for the benchmark: every client logs in to it
 * and syncs through the same responses (the initial sync, then each incremental one in turn, then empty long
 * polls). Only the endpoints the clients call while logging in and syncing are answered; anything else gets the
 * spec's M_UNRECOGNIZED (logged on stderr when BENCH_VERBOSE is set). The responses are serialized once, so serving them costs the server almost nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SyncResponse } from '../../src/main/backend/matrix/types.ts';

interface FakeHomeserver {
  url: string;
  /** The `since` token of the request that gets the last recorded response. */
  lastSince: string;
  close(): Promise<void>;
}

const PUSH_RULES = { global: { override: [], content: [], room: [], sender: [], underride: [] } };

export async function startFakeHomeserver(responses: SyncResponse[], userId: string): Promise<FakeHomeserver> {
  const bodies = responses.map((r) => Buffer.from(JSON.stringify(r)));
  const index = new Map<string | undefined, number>([[undefined, 0]]);
  responses.forEach((r, i) => index.set(r.next_batch, i + 1));
  const lastSince = responses[responses.length - 2]?.next_batch ?? '';
  const finalToken = responses[responses.length - 1].next_batch;
  let logins = 0;
  /** One-time keys the current device uploaded: every /sync says how many the server holds, as a real one does. */
  let oneTimeKeys = 0;
  /** The current device's keys as it uploaded them: a key query for our user answers with them. */
  let deviceKeys: { device_id?: string } | undefined;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length });
    res.end(buf);
  };
  const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
  /** A recorded response with the one-time key count put in front (the bodies are serialized once, up front). */
  const withKeyCount = (body: Buffer) => Buffer.concat([
    Buffer.from(`{"device_one_time_keys_count":{"signed_curve25519":${oneTimeKeys}},`), body.subarray(1)]);

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const p = url.pathname;
      if (p === '/_matrix/client/versions') return json(res, 200, { versions: ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'], unstable_features: {} });
      if (p === '/_matrix/client/v3/login' && req.method === 'GET') return json(res, 200, { flows: [{ type: 'm.login.password' }] });
      if (p === '/_matrix/client/v3/login') {
        logins++;
        oneTimeKeys = 0;
        deviceKeys = undefined;
        return json(res, 200, { user_id: userId, access_token: `token${logins}`, device_id: `DEVICE${logins}`, home_server: 'bench.test' });
      }
      if (p === '/_matrix/client/v3/account/whoami') return json(res, 200, { user_id: userId, device_id: `DEVICE${logins}` });
      if (/^\/_matrix\/client\/v3\/user\/[^/]+\/filter$/.test(p)) return json(res, 200, { filter_id: '1' });
      if (/^\/_matrix\/client\/v3\/user\/[^/]+\/filter\/[^/]+$/.test(p)) return json(res, 200, {});
      if (p === '/_matrix/client/v3/pushrules/') return json(res, 200, PUSH_RULES);
      if (p === '/_matrix/client/v3/capabilities') return json(res, 200, { capabilities: {} });
      // The end-to-end encryption engine's requests, answered as a real server would, so that it uploads its keys
      // once (an error would have it retry on every sync, which no real account pays for).
      if (p === '/_matrix/client/v3/keys/upload') {
        const upload = JSON.parse(text || '{}') as { one_time_keys?: Record<string, unknown>; device_keys?: { device_id?: string } };
        oneTimeKeys += Object.keys(upload.one_time_keys ?? {}).length;
        deviceKeys = upload.device_keys ?? deviceKeys;
        return json(res, 200, { one_time_key_counts: { signed_curve25519: oneTimeKeys } });
      }
      if (p === '/_matrix/client/v3/keys/query') {
        const own = deviceKeys?.device_id ? { [userId]: { [deviceKeys.device_id]: deviceKeys } } : {};
        return json(res, 200, { device_keys: own, failures: {} });
      }
      if (p === '/_matrix/client/v3/keys/claim') return json(res, 200, { one_time_keys: {}, failures: {} });
      if (p.startsWith('/_matrix/client/v3/sendToDevice/')) return json(res, 200, {});
      // A new account has no secret storage and no key backup: the answers a real server gives, so that the
      // first-run check of what the account has settles once instead of retrying every few seconds.
      if (req.method === 'GET' && /^\/_matrix\/client\/v3\/user\/[^/]+\/account_data\/[^/]+$/.test(p)) {
        return json(res, 404, { errcode: 'M_NOT_FOUND', error: 'Account data not found' });
      }
      if (p === '/_matrix/client/v3/room_keys/version') return json(res, 404, { errcode: 'M_NOT_FOUND', error: 'No current backup version' });
      if (p === '/_matrix/client/v3/sync') {
        const since = url.searchParams.get('since') ?? undefined;
        const i = index.get(since);
        if (i !== undefined && i < bodies.length) return json(res, 200, withKeyCount(bodies[i]));
        // Caught up: a long poll that ends empty (or when the client goes away).
        const timer = setTimeout(() => json(res, 200, { next_batch: since ?? finalToken }), Number(url.searchParams.get('timeout') ?? 0));
        res.on('close', () => clearTimeout(timer));
        return undefined;
      }
      if (process.env.BENCH_VERBOSE) console.error(`fake homeserver: unrecognized ${req.method} ${p}`);
      return json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lastSince,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
