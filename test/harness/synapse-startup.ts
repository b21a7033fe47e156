/**
 * The checks around a test Synapse's start-up: a free loopback port for it, waiting until it answers on that port
 * (and not some other server handed the same port), and the tail of its logs for an error when it does not.
 */

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const START_TIMEOUT_MS = 60_000;

/** Another server holds the port this Synapse was to use: start-up tries again on a fresh one. */
export class PortInUseError extends Error {}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}

/**
 * Waits until this Synapse answers on its port. It polls the server's signing key rather than a bare endpoint: another
 * test file's Synapse that was handed the same free port answers every endpoint too (its registrations then fail
 * with "HMAC incorrect"), but only this one holds `keyId`.
 */
export async function waitUntilReady(
  baseUrl: string,
  keyId: string,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  tail: () => string,
): Promise<void> {
  let failure: Error | undefined;
  void exited.then(({ code, signal }) => {
    failure ??= new Error(
      `Synapse exited during start-up (code ${code}, signal ${signal}).\n${tail()}`,
    );
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (failure) throw failure;
    try {
      const res = await fetch(`${baseUrl}/_matrix/key/v2/server`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) {
        const body = (await res.json().catch(() => ({}))) as { verify_keys?: Record<string, unknown> };
        if (body.verify_keys && keyId in body.verify_keys) return;
        throw new PortInUseError(`another server answers on ${baseUrl} (its signing key is not ${keyId})`);
      }
      await res.body?.cancel();
    } catch (err) {
      if (err instanceof PortInUseError) throw err;
      // Not listening yet.
    }
    await sleep(150);
  }
  if (failure) throw failure;
  throw new Error(
    `Synapse did not answer ${baseUrl}/_matrix/key/v2/server within ${START_TIMEOUT_MS / 1000} s.\n${tail()}`,
  );
}

export function logTail(logFile: string, stdioLog: string, lines = 40): string {
  const part = (label: string, file: string): string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return `--- ${label}: (missing) ---`;
    }
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return `--- ${label} (${file}), last ${lines} lines ---\n${tail || '(empty)'}`;
  };
  return `${part('stdout/stderr', stdioLog)}\n${part('homeserver.log', logFile)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
