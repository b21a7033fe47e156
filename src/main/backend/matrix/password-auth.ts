/**
 * User-interactive auth (UIA) for requests the homeserver may make a person confirm (signing sessions out, changing
 * the password, deactivating the account), done
 * as Element does it: the request is tried without auth first — a server may not ask, or may count a recent login
 * (Synapse's `ui_auth.session_timeout`) — and when the server answers 401 with its flows, one made only of stages
 * Lattice can do is walked: `m.login.dummy` (nothing to ask) and `m.login.password`. A flow needing nothing from
 * the person is preferred; one needing the password, when none was given, ends in `PasswordRequired` so the UI
 * asks for it and tries again. A stage the homeserver does on its own web page (single sign-on, a captcha, terms)
 * ends in `FallbackRequired` with the spec's fallback page (`/auth/{stage}/fallback/web?session=…`): the person
 * completes it in the browser and the request is sent again with only the `session`, as Element does. Anything
 * else (an email or phone confirmation) is an error in words saying where the sign-out can be done instead.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { MatrixError } from './errors.ts';

interface UiaChallenge {
  session?: string;
  flows?: { stages?: string[] }[];
  completed?: string[];
}

const PASSWORD = 'm.login.password';
const DUMMY = 'm.login.dummy';
const DOABLE = new Set([PASSWORD, DUMMY]);
/** Stages the homeserver completes on its fallback page (email and phone need tokens requested first: not these). */
const FALLBACK = new Set(['m.login.sso', 'org.matrix.login.sso', 'm.login.recaptcha', 'm.login.terms']);

/** Nothing was done: the homeserver wants the account password, and none was given. */
export class PasswordRequired extends Error {
  constructor(what: string) {
    super(`The homeserver asks for your account password to ${what}.`);
    this.name = 'PasswordRequired';
  }
}

/** Nothing was done: the homeserver refused the password given (`M_FORBIDDEN` on the password stage). */
export class PasswordRefused extends Error {
  constructor(what: string, cause: unknown) {
    super(`The homeserver refused the password, so it did not ${what}. Check the password and try again.`, { cause });
    this.name = 'PasswordRefused';
  }
}

/** Nothing was done: the person completes `stage` on the homeserver's page at `path`, then the request is sent again with `session`. */
export class FallbackRequired extends Error {
  readonly path: string;
  readonly stage: string;
  readonly session: string;
  constructor(stage: string, session: string, what: string) {
    super(`The homeserver asks you to confirm with ${describeStage(stage)} in your browser to ${what}.`);
    this.name = 'FallbackRequired';
    this.stage = stage;
    this.session = session;
    this.path = `/_matrix/client/v3/auth/${encodeURIComponent(stage)}/fallback/web?session=${encodeURIComponent(session)}`;
  }
}

/**
 * Runs `request` without `auth` (or, after a fallback page, with only `{session: fallbackSession}`), then through
 * the server's flow if it asks; `what` completes "to …" and "did not …" sentences, e.g. "sign out 2 sessions".
 * Throws `PasswordRequired` when the password is needed and `password` is undefined, `FallbackRequired` when a
 * stage needs the homeserver's web page (again, if the person has not completed it yet).
 */
export async function withPasswordAuth<T>(
  userId: string, password: string | undefined, what: string, request: (auth?: JSONObject) => Promise<T>,
  fallbackSession?: string,
): Promise<T> {
  let challenge: UiaChallenge;
  try {
    return await request(fallbackSession ? { session: fallbackSession } : undefined);
  } catch (e) {
    const c = challengeOf(e);
    if (!c) throw e;
    challenge = c;
  }
  const stages = chooseFlow(challenge, what);
  if (stages.includes(PASSWORD) && password === undefined) throw new PasswordRequired(what);
  for (;;) {
    const done = new Set(challenge.completed ?? []);
    const stage = stages.find((s) => !done.has(s));
    // Every stage done and the server still asks: it does not accept this flow after all.
    if (!stage) throw new Error(`The homeserver did not accept the confirmation, so it did not ${what}.`);
    if (!DOABLE.has(stage)) {
      if (!challenge.session) throw new Error(`The homeserver asks for ${describeStage(stage)} but gave no session to do it in, so Lattice did not ${what}.`);
      throw new FallbackRequired(stage, challenge.session, what);
    }
    const auth: JSONObject = stage === PASSWORD
      ? { type: PASSWORD, identifier: { type: 'm.id.user', user: userId }, password: password ?? '' }
      : { type: DUMMY };
    if (challenge.session) auth.session = challenge.session;
    try {
      return await request(auth);
    } catch (e) {
      const next = challengeOf(e);
      if (stage === PASSWORD && (e instanceof MatrixError && e.errcode === 'M_FORBIDDEN')) {
        throw new PasswordRefused(what, e);
      }
      if (!next) throw e;
      // A stage the server did not count as done would be sent again forever.
      if (!(next.completed ?? []).includes(stage)) {
        throw new Error(`The homeserver did not accept the confirmation (${stage}), so it did not ${what}.`, { cause: e });
      }
      challenge = { ...next, session: next.session ?? challenge.session };
    }
  }
}

/**
 * The stages of the flow to walk: all doable, needing nothing from the person if the server offers such a flow,
 * else the password, else one with stages on the homeserver's fallback page. None: an error in words with what
 * the server offers and where to go instead.
 */
function chooseFlow(challenge: UiaChallenge, what: string): string[] {
  const flows = (challenge.flows ?? []).map((f) => f.stages ?? []).filter((s) => s.length > 0);
  const doable = flows.filter((s) => s.every((stage) => DOABLE.has(stage)));
  const withPage = flows.filter((s) => s.every((stage) => DOABLE.has(stage) || FALLBACK.has(stage)));
  const chosen = doable.find((s) => !s.includes(PASSWORD)) ?? doable[0] ?? withPage[0];
  if (chosen) return chosen;
  const offered = flows.map((s) => s.map(describeStage).join(' then ')).join('; ') || 'nothing Lattice knows';
  throw new Error(`The homeserver wants a confirmation Lattice cannot do here to ${what} (it asks for ${offered}). `
    + 'Do it from your homeserver\'s account page or from another Matrix app that supports it, such as Element.');
}

function describeStage(stage: string): string {
  switch (stage) {
    case 'm.login.sso': return 'single sign-on';
    case PASSWORD: return 'your password';
    case 'm.login.email.identity': return 'an email confirmation';
    case 'm.login.msisdn': return 'a text message confirmation';
    case 'm.login.recaptcha': return 'a captcha';
    case 'm.login.terms': return 'accepting terms';
    default: return stage;
  }
}

/** The server's UIA answer (HTTP 401 with flows), if that is what `e` is. */
function challengeOf(e: unknown): UiaChallenge | undefined {
  if (!(e instanceof MatrixError) || e.status !== 401) return undefined;
  const body = e.body as UiaChallenge | undefined;
  return typeof body === 'object' && body !== null && Array.isArray(body.flows) ? body : undefined;
}
