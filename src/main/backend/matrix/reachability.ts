/**
 * Waiting out a homeserver outage without oversleeping its return. Retry backoff doubles up to a minute, so a plain
 * sleep could leave sync idle for most of a minute after the server came back. Instead the wait ends at the first
 * sign of life: any request of this client that gets an answer (the sender's, a media download, a probe), or a cheap
 * unauthenticated probe (GET /_matrix/client/versions) made every couple of seconds while the wait lasts.
 */

/** What the wait needs of the client: MatrixHttp provides both. */
export interface Reachability {
  /** Calls `listener` whenever a request got an answer from the server; returns the unsubscribe function. */
  onReachable(listener: () => void): () => void;
  /** One cheap request that resolves if the server answers. */
  probe(signal: AbortSignal): Promise<unknown>;
}

export const PROBE_INTERVAL_MS = 2000;

/**
 * Resolves after `ms`, or as soon as the server is seen answering, whichever comes first; rejects when `signal`
 * aborts. Probes only when the wait is longer than one probe interval.
 */
export function waitForServer(server: Reachability, ms: number, signal: AbortSignal, probeEveryMs = PROBE_INTERVAL_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const probes = new AbortController();
    let probeTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      clearTimeout(probeTimer);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      probes.abort(new Error('wait over'));
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(() => finish(), ms);
    const unsubscribe = server.onReachable(() => finish());
    signal.addEventListener('abort', onAbort, { once: true });
    const scheduleProbe = () => {
      probeTimer = setTimeout(() => {
        server.probe(probes.signal).then(() => finish(), () => { if (!probes.signal.aborted) scheduleProbe(); });
      }, probeEveryMs);
    };
    if (ms > probeEveryMs) scheduleProbe();
  });
}
