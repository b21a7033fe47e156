/**
 * User-interactive auth with the account password, for requests the homeserver makes a person confirm (signing
 * sessions out). The request is tried without auth first — some servers do not ask — and, when the server answers
 * 401 offering a password-only flow, once more with the password. Anything else (single sign-on, several stages)
 * is an error in words: Lattice cannot walk those flows here.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { MatrixError } from './errors.ts';

interface UiaChallenge {
  session?: string;
  flows?: { stages?: string[] }[];
}

/**
 * Runs `request` (without `auth`, then with password auth if asked); `what` completes "to …" and "did not …"
 * sentences, e.g. "sign out 2 sessions".
 */
export async function withPasswordAuth<T>(
  userId: string, password: string | undefined, what: string, request: (auth?: JSONObject) => Promise<T>,
): Promise<T> {
  let challenge: UiaChallenge;
  try {
    return await request();
  } catch (e) {
    if (!(e instanceof MatrixError) || e.status !== 401 || !isChallenge(e.body)) throw e;
    challenge = e.body;
  }
  const passwordFlow = challenge.flows?.some((f) => f.stages?.length === 1 && f.stages[0] === 'm.login.password');
  if (!passwordFlow) {
    const flows = (challenge.flows ?? []).map((f) => (f.stages ?? []).join(' → ')).join('; ') || 'none given';
    throw new Error(`The homeserver wants a confirmation Lattice cannot do here to ${what} (it offers: ${flows}).`);
  }
  if (!password) throw new Error(`The homeserver asks for your account password to ${what}.`);
  try {
    return await request({
      type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password,
      ...(challenge.session ? { session: challenge.session } : {}),
    });
  } catch (e) {
    if (e instanceof MatrixError && (e.status === 401 || e.errcode === 'M_FORBIDDEN')) {
      throw new Error(`The homeserver refused the password, so it did not ${what}. Check the password and try again.`, { cause: e });
    }
    throw e;
  }
}

function isChallenge(body: unknown): body is UiaChallenge {
  return typeof body === 'object' && body !== null && Array.isArray((body as UiaChallenge).flows);
}
