/** Homeserver refusals turned into sentences: "Could not invite @bob:example.org: You are not in this room." */
import { errorMessage } from '../../../shared/error-message.ts';
import { tooManyRequests } from '../../../shared/rate-limit.ts';
import { ConnectionError, MatrixError } from '../matrix/errors.ts';

/** Runs `fn`; a failure becomes an Error that says what could not be done and the server's reason. */
export async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    // Only the homeserver's answers (and failing to reach it) are about `what`; our own errors, such as
    // "Not logged in." or a cancelled request, are already complete.
    if (!(e instanceof MatrixError || e instanceof ConnectionError)) throw e;
    throw failure(what, e);
  }
}

/** The Error for `e`, a failure to do `what`. */
export function failure(what: string, e: unknown): Error {
  return new Error(`Could not ${what}: ${describe(e)}`, { cause: e });
}

function describe(e: unknown): string {
  if (!(e instanceof MatrixError)) return errorMessage(e);
  const text = e.message.replace(/\.?$/, '.');
  switch (e.errcode) {
    case 'M_FORBIDDEN': return `the homeserver refused: ${text}`;
    case 'M_NOT_FOUND': return `not found: ${text}`;
    case 'M_UNRECOGNIZED': return 'the homeserver does not support this.';
    case 'M_LIMIT_EXCEEDED': return tooManyRequests(e.retryAfterMs);
    default: return `${text} (${e.errcode})`;
  }
}
