/**
 * A server's support contacts (the spec's `GET /.well-known/matrix/support`, v1.10): whom to write to about its
 * accounts, and its support page. Asked of any server by name, not of our homeserver, so a report about another
 * server's user can say whom to contact there. Everything in the answer comes from a stranger: each contact is kept
 * only with a well-formed Matrix ID or e-mail address and a plain role, the support page only as an https URL, and
 * the rest dropped. A server without the file (404), or with nothing usable in it, has no contacts: null.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { ServerSupport, SupportContact } from '../../../shared/rpc/index.ts';
import { SERVER_NAME_PATTERN } from '../../../shared/server-name.ts';
import { describeNetworkCode } from './errors.ts';
import { fetchTransport, nodeTransport, type HttpTransport } from './http-transport.ts';
import type { FetchLike } from './http.ts';

/** More than any real support file holds; a longer answer is not one. */
const MAX_BYTES = 64 * 1024;
/** The whole look-up, redirects included: a report dialog waits for no slow stranger. */
export const SERVER_SUPPORT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;
/** A dialog lists a few; a file listing hundreds is not read further. */
const MAX_CONTACTS = 20;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;
/** The spec's historical user ID grammar (printable ASCII but ':'), then a server name. */
const USER_ID_LOCALPART = /^@[\x21-\x39\x3B-\x7E]+$/;
/** Something@somewhere, without spaces, controls, format characters (bidi overrides) or what a mail header quotes. */
const EMAIL = /^[^\s@<>"()[\]\\,;:\p{C}]+@[^\s@<>"()[\]\\,;:\p{C}]+$/u;
const ROLE = /^[\x21-\x7E]{1,255}$/;

/** `timeoutMs` bounds the whole look-up (SERVER_SUPPORT_TIMEOUT_MS unless a test shortens it). */
export async function fetchServerSupport(
  serverName: string, signal?: AbortSignal, fetchImpl?: FetchLike, timeoutMs = SERVER_SUPPORT_TIMEOUT_MS,
): Promise<ServerSupport | null> {
  const transport: HttpTransport = fetchImpl ? fetchTransport(fetchImpl) : nodeTransport;
  // Loopback servers (development, tests) have no TLS; every other server is asked over https only, and a redirect
  // may lead nowhere else (not to plain http, not from a real server to this computer's own services).
  const loopback = LOOPBACK.test(serverName.replace(/:\d+$/, ''));
  const allowed = (u: URL) => u.protocol === 'https:' || (loopback && u.protocol === 'http:' && LOOPBACK.test(u.hostname));
  const timeout = AbortSignal.timeout(timeoutMs);
  const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let url = new URL(`${loopback ? 'http' : 'https'}://${serverName}/.well-known/matrix/support`);
  for (let redirects = 0; ; redirects++) {
    const res = await transport({
      method: 'GET', url, headers: { Accept: 'application/json' }, signal: bounded, maxBytes: MAX_BYTES, redirect: 'manual',
    }).catch((e: unknown) => {
      if (signal?.aborted) throw e;
      throw new Error(timeout.aborted ? `it did not answer within ${timeoutMs / 1000} s` : describe(e), { cause: e });
    });
    const location = res.status >= 300 && res.status < 400 ? res.header('location') : undefined;
    if (location !== undefined) {
      if (redirects === MAX_REDIRECTS) throw new Error(`it redirected more than ${MAX_REDIRECTS} times`);
      const next = new URL(location, url);
      if (!allowed(next)) throw new Error(`it redirected to ${next.protocol}//${next.host}, which is not https`);
      url = next;
      continue;
    }
    if (res.status === 404) return null;
    if (res.status < 200 || res.status >= 300) throw new Error(`it answered ${res.status} ${res.statusText}`.trim());
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new Error('its support file is not JSON');
    }
    return parseServerSupport(json);
  }
}

/** The usable part of a support file, or null when nothing in it is. */
export function parseServerSupport(json: unknown): ServerSupport | null {
  if (!isObject(json)) return null;
  const contacts = (Array.isArray(json.contacts) ? json.contacts : []).flatMap(contactOf).slice(0, MAX_CONTACTS);
  const page = supportPageOf(json.support_page);
  if (contacts.length === 0 && page === undefined) return null;
  return { contacts, ...(page !== undefined ? { support_page: page } : {}) };
}

function contactOf(c: unknown): SupportContact[] {
  if (!isObject(c) || typeof c.role !== 'string' || !ROLE.test(c.role)) return [];
  const matrixId = typeof c.matrix_id === 'string' && isUserId(c.matrix_id) ? c.matrix_id : undefined;
  const email = typeof c.email_address === 'string' && c.email_address.length <= 254 && EMAIL.test(c.email_address)
    ? c.email_address : undefined;
  if (matrixId === undefined && email === undefined) return [];
  return [{ role: c.role, ...(matrixId !== undefined ? { matrix_id: matrixId } : {}), ...(email !== undefined ? { email_address: email } : {}) }];
}

function isUserId(id: string): boolean {
  const colon = id.indexOf(':');
  return id.length <= 255 && colon > 1 && USER_ID_LOCALPART.test(id.slice(0, colon)) && SERVER_NAME_PATTERN.test(id.slice(colon + 1));
}

function supportPageOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return undefined;
  }
  // https only, and no credentials in it (a link shown to a person should say where it goes, nothing more).
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') return undefined;
  return u.href;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A failure to connect in words (fetch wraps the connection's error in a TypeError; Node's http gives it as it is). */
function describe(e: unknown): string {
  type Coded = { code?: string; message?: string };
  const c = (e as { cause?: Coded } | undefined)?.cause ?? (e as Coded | undefined);
  return describeNetworkCode(c?.code) ?? (c?.message || errorMessage(e));
}
