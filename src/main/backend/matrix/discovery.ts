/** Finds a user's homeserver from their user ID: `.well-known/matrix/client`, then the server name itself. */
import { errorMessage } from '../../../shared/error-message.ts';
import type { ClientWellKnown } from '../../../shared/rpc/index.ts';
import { MatrixClient, type FetchLike } from './client.ts';
import { ConnectionError } from './errors.ts';
import { fetchTransport, nodeTransport } from './http-transport.ts';

/** More than any real .well-known document; a server sending more is not one to trust with a login. */
const WELL_KNOWN_MAX_BYTES = 64 * 1024;

export async function discoverHomeserver(userId: string, signal?: AbortSignal, fetchImpl?: FetchLike): Promise<ClientWellKnown> {
  const serverName = userId.slice(userId.indexOf(':') + 1);
  if (!serverName || serverName === userId) throw new Error(`"${userId}" is not a full user ID like @name:example.org.`);
  // Loopback servers (development, tests) rarely have TLS, and a TLS handshake against a plain-HTTP port just
  // hangs until the timeout: try http first there. Everything else must use https.
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(serverName);
  const schemes = loopback ? ['http', 'https'] : ['https'];
  const problems: string[] = [];
  const transport = fetchImpl ? fetchTransport(fetchImpl) : nodeTransport;
  for (const scheme of schemes) {
    const origin = `${scheme}://${serverName}`;
    try {
      const url = new URL(`${origin}/.well-known/matrix/client`);
      const res = await transport({ method: 'GET', url, headers: { Accept: 'application/json' },
        signal: signalWithTimeout(signal), maxBytes: WELL_KNOWN_MAX_BYTES }).catch((e: unknown) => {
        throw new ConnectionError(url.href, e);
      });
      if (res.status >= 200 && res.status < 300) {
        const wk = JSON.parse(res.body.toString('utf8')) as Partial<ClientWellKnown>;
        const base = wk?.['m.homeserver']?.base_url;
        if (typeof base !== 'string' || !/^https?:\/\//.test(base)) {
          throw new Error(`${origin}/.well-known/matrix/client has no valid m.homeserver.base_url`);
        }
        await new MatrixClient(base, undefined, fetchImpl).auth.versions(signal);
        return { ...wk, 'm.homeserver': { base_url: base.replace(/\/+$/, '') } };
      }
      // No .well-known: the server name may itself be the homeserver.
      await new MatrixClient(origin, undefined, fetchImpl).auth.versions(signal);
      return { 'm.homeserver': { base_url: origin } };
    } catch (e) {
      if (signal?.aborted) throw e;
      problems.push(errorMessage(e));
    }
  }
  throw new Error(`Could not find the homeserver for ${serverName}: ${problems.join('; ')}. Enter its URL instead.`);
}

function signalWithTimeout(signal?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(10_000);
  return signal ? AbortSignal.any([signal, t]) : t;
}
