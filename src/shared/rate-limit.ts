/**
 * How the backend words a homeserver's "too many requests" (M_LIMIT_EXCEEDED) in a command's error, and how a
 * frontend reads the wait back out of it. The RPC envelope's error is a sentence (gomuks' contract), so this one
 * sentence is shared by both ends: a frontend that waits and tries again (the report dialogs) can say how long.
 */

/** The refusal's words: "too many requests; try again in 3 s." (whole seconds, at least 1). */
export function tooManyRequests(retryAfterMs: number | undefined): string {
  return `too many requests; try again in ${Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))} s.`;
}

/** The seconds the homeserver asked to wait, when `message` is such a refusal; null for any other error. */
export function retryAfterSeconds(message: string): number | null {
  const m = /too many requests; try again in (\d+) s\.$/.exec(message);
  return m ? Number(m[1]) : null;
}
