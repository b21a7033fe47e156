/** Finds a user's homeserver from their user ID: `.well-known/matrix/client`, then the server name itself. */
import { errorMessage } from '../../../shared/error-message.ts';
import type { ClientWellKnown } from '../../../shared/rpc/index.ts';
import { MatrixClient, type FetchLike } from './client.ts';

export async function discoverHomeserver(userId: string, signal?: AbortSignal, fetchImpl?: FetchLike): Promise<ClientWellKnown> {
  const serverName = userId.slice(userId.indexOf(':') + 1);
  if (!serverName || serverName === userId) throw new Error(`"${userId}" is not a full user ID like @name:example.org.`);
  // Loopback servers (development, tests) rarely have TLS, and a TLS handshake against a plain-HTTP port just
  // hangs until the timeout: try http first there. Everything else must use https.
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(serverName);
  const schemes = loopback ? ['http', 'https'] : ['https'];
  const problems: string[] = [];
  for (const scheme of schemes) {
    const origin = `${scheme}://${serverName}`;
    try {
      const res = await (fetchImpl ?? fetch)(`${origin}/.well-known/matrix/client`, { signal: signalWithTimeout(signal) });
      if (res.ok) {
        const wk = (await res.json()) as Partial<ClientWellKnown>;
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
