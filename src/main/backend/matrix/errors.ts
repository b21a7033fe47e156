/** Errors from talking to a homeserver, phrased so a person can act on them. */
import { errorMessage } from '../../../shared/error-message.ts';

export class MatrixError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;
  constructor(status: number, errcode: string, message: string, retryAfterMs?: number, body?: unknown) {
    super(message);
    this.name = 'MatrixError';
    this.status = status;
    this.errcode = errcode;
    this.retryAfterMs = retryAfterMs;
    this.body = body;
  }
  /** Errors that retrying the same request will never fix. */
  get isPermanent(): boolean {
    if (this.errcode === 'M_UNKNOWN_TOKEN' || this.errcode === 'M_FORBIDDEN') return true;
    return this.status >= 400 && this.status < 500 && this.status !== 429 && this.status !== 408;
  }
}

/** The homeserver could not be reached at all (DNS, refused connection, TLS, timeout). */
export class ConnectionError extends Error {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super(`Could not reach the homeserver at ${new URL(url).origin}: ${describeCause(cause)}`);
    this.name = 'ConnectionError';
    this.url = url;
  }
}

/**
 * A request that should be answered at once (a login, a check at sign-in) left unanswered for `ms`: a connection that
 * went silent without failing, said in the words the sync loop uses for it.
 */
export function notAnsweringError(url: string, ms: number): ConnectionError {
  return new ConnectionError(url, new Error(`it did not answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`));
}

function describeCause(cause: unknown): string {
  // fetch wraps the connection's error in a TypeError ('fetch failed'); Node's http modules give it as it is.
  type Coded = { code?: string; message?: string };
  const c = (cause as { cause?: Coded } | undefined)?.cause ?? (cause as Coded | undefined);
  const words = describeNetworkCode(c?.code);
  if (words) return words;
  if (cause instanceof Error && cause.name === 'AbortError') return 'the request was cancelled';
  if (cause instanceof Error && cause.name === 'TimeoutError') return 'the request timed out';
  return c?.message || errorMessage(cause);
}

/** A connection error's code (ECONNREFUSED, ...) in words, or undefined for a code without its own wording. */
export function describeNetworkCode(code: string | undefined): string | undefined {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused (is the server running and is the address right?)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'the server name could not be resolved';
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return 'the connection timed out';
    case 'ECONNRESET': return 'the connection was reset';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'there is no route to it on this network';
    case 'Z_DATA_ERROR': case 'Z_BUF_ERROR':
      return 'its answer said it was compressed but could not be decompressed';
    case 'CERT_HAS_EXPIRED': case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `its TLS certificate was rejected (${code})`;
    default: return undefined;
  }
}

/**
 * A failed login in words a person can act on, whole: the login screen shows it as it is. `homeserverUrl` names the
 * server in the sentences that are about it.
 */
export function describeLoginError(e: unknown, homeserverUrl?: string): string {
  const at = homeserverUrl ? ` at ${originOf(homeserverUrl)}` : '';
  if (e instanceof ConnectionError) return sentence(e.message);
  if (e instanceof MatrixError) {
    switch (e.errcode) {
      case 'M_FORBIDDEN': return 'Wrong user name or password.';
      case 'M_USER_DEACTIVATED': return 'This account has been deactivated.';
      case 'M_LIMIT_EXCEEDED': return `Too many attempts; try again in ${Math.ceil((e.retryAfterMs ?? 1000) / 1000)} s.`;
      case 'M_UNRECOGNIZED': case 'M_NOT_FOUND': case 'M_BAD_JSON': return notAHomeserver(at);
    }
    // An error page that is not Matrix JSON: a web server that is not a homeserver (404, 405), or a proxy in front
    // of a homeserver that is down (502, 503, 504).
    if (e.body === undefined) {
      if (e.status >= 500) return `The homeserver${at} is not answering (HTTP ${e.status}); it may be down. Try again later.`;
      return notAHomeserver(at);
    }
    return sentence(`The homeserver refused the login: ${e.message.replace(/\.$/, '')}${e.errcode === 'M_UNKNOWN' ? '' : ` (${e.errcode})`}`);
  }
  return errorMessage(e);
}

/**
 * Why the homeserver would not take a message (or a reaction, an edit, ...) that the outbox sent, whole, as the room
 * shows it under the message: words for what the person can understand and act on, and the server's own text only
 * where it says more than its error code does (a moderation rule's reason, an unusual refusal), never the bare code
 * when the words already say it. Synapse's power-level refusal ("user_level (0) < send_level (50)") becomes the two
 * levels in words.
 */
export function describeSendError(e: unknown): string {
  if (!(e instanceof MatrixError)) return sentence(`It could not be sent: ${errorMessage(e)}`);
  const text = e.message.trim().replace(/\.$/, '');
  switch (e.errcode) {
    case 'M_FORBIDDEN': {
      const levels = /user_level \((-?\d+)\) < send_level \((-?\d+)\)/.exec(text);
      if (levels) return `You are not allowed to send this in this room: it takes power level ${levels[2]}, and yours is ${levels[1]}.`;
      if (/permission to post|power.?level/i.test(text)) return 'You are not allowed to send this in this room.';
      if (/\bnot (?:in|a member of|joined to) (?:the |this )?room\b/i.test(text)) return 'You are not a member of this room (any more).';
      if (/\bbanned\b/i.test(text)) return 'You are banned from this room.';
      return text ? sentence(`The homeserver does not allow it here: ${text}`) : 'The homeserver does not allow it in this room.';
    }
    case 'M_TOO_LARGE': return 'It is too large for the homeserver.';
    case 'M_NOT_FOUND': return 'The homeserver does not know this room.';
    case 'M_GUEST_ACCESS_FORBIDDEN': return 'Guests may not send in this room.';
    case 'M_UNRECOGNIZED': return 'The homeserver does not support sending this.';
    case 'M_BAD_JSON': case 'M_NOT_JSON': case 'M_INVALID_PARAM':
      return sentence(`The homeserver could not accept it as written: ${text}`);
    case 'M_RESOURCE_LIMIT_EXCEEDED': return sentence(`The homeserver has reached a usage limit: ${text}`);
    case 'M_UNKNOWN': return sentence(`The homeserver refused it: ${text}`);
    default: return sentence(`The homeserver refused it (${e.errcode}): ${text}`);
  }
}

/**
 * A failed join of `target` (a room ID or an address) in one sentence when there are better words for it than the
 * server's, else undefined. An address nobody has taken is the commonest failure of "Join a room".
 */
export function describeJoinError(e: unknown, target: string): string | undefined {
  if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND' && target.startsWith('#')) {
    return `There is no room at ${target}. Check the address.`;
  }
  return undefined;
}

/**
 * A failed creation of the address `alias` in one sentence when it is taken, else undefined. Synapse answers 409
 * M_UNKNOWN "Room alias ... already exists"; the spec names no errcode for it, so the status tells.
 */
export function describeAliasCreateError(e: unknown, alias: string): string | undefined {
  if (e instanceof MatrixError && e.status === 409) return `Could not create ${alias}: that address is already taken.`;
  return undefined;
}

/**
 * A failed room creation in one sentence when the address it was to have (`#<aliasLocal>:<server>`) is the reason,
 * else undefined: Synapse answers 400 M_ROOM_IN_USE for a taken address and M_INVALID_PARAM for one it cannot be.
 */
export function describeCreateRoomError(e: unknown, aliasLocal: string | undefined, server: string): string | undefined {
  if (!(e instanceof MatrixError) || aliasLocal === undefined) return undefined;
  const alias = `#${aliasLocal}:${server}`;
  if (e.errcode === 'M_ROOM_IN_USE') return `Could not create the room: the address ${alias} is already taken. Choose another.`;
  if (e.errcode === 'M_INVALID_PARAM' && /alias/i.test(e.message)) {
    return `Could not create the room: ${alias} cannot be an address (${e.message.replace(/\.$/, '')}).`;
  }
  return undefined;
}

/**
 * Why the homeserver could not say which event is nearest a time (jump to a date), in one sentence: it could not be
 * reached, it does not offer the endpoint (Matrix 1.6; Synapse answers 404 M_UNRECOGNIZED, other servers 405 or a
 * bare 404 page), it refused, or its own words. "Nothing there" is no error: the command answers null for it.
 */
export function describeJumpToDateError(e: unknown): string {
  if (e instanceof ConnectionError) return `${sentence(e.message)} Check your connection and try again.`;
  if (!(e instanceof MatrixError)) return sentence(`Could not look up that date: ${errorMessage(e)}`);
  if (e.errcode === 'M_UNRECOGNIZED' || ((e.status === 404 || e.status === 405) && e.body === undefined)) {
    return 'Your homeserver does not support jumping to a date (it needs Matrix 1.6 or newer).';
  }
  if (e.status === 403 || e.errcode === 'M_FORBIDDEN') return 'Your homeserver will not show you this room\'s history at that date.';
  if (e.errcode === 'M_LIMIT_EXCEEDED') return 'Your homeserver asked Lattice to wait (too many requests). Try again in a moment.';
  if (e.status >= 500) return `Your homeserver failed to look up that date (HTTP ${e.status}); it may be busy or down for a moment.`;
  return sentence(`Your homeserver could not look up that date: ${e.message.replace(/\.$/, '')}`);
}

function sentence(text: string): string {
  return /[.?!)]$/.test(text) ? text : `${text}.`;
}

function notAHomeserver(at: string): string {
  return `The server${at} does not look like a Matrix homeserver. Check the address.`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * A failed read of another `server`'s public room directory in one sentence, or undefined when the server's words
 * (or the rate limit's) say it as well. Our homeserver asks `server` over federation: Synapse answers 502 for a name
 * it cannot reach and for a server that keeps its directory to its own users (it cannot tell the two apart), 403
 * "Federation denied" for a server it is configured not to talk to; other homeservers may pass the remote 403 on.
 */
export function describePublicRoomsError(e: unknown, server: string | undefined): string | undefined {
  if (!(e instanceof MatrixError) || !server || e.errcode === 'M_LIMIT_EXCEEDED') return undefined;
  if (/federation denied/i.test(e.message)) {
    return `Your homeserver does not talk to ${server} (it federates only with servers it allows), so its rooms cannot be listed from here.`;
  }
  if (e.status === 403 || e.errcode === 'M_FORBIDDEN') {
    return `${server} does not share its room directory with users of other servers.`;
  }
  if (e.status === 502 || e.status === 504) {
    return `Could not get the room directory of ${server}: the server could not be reached, or it does not share its directory with other servers. Check its name (such as matrix.org).`;
  }
  if (e.errcode === 'M_INVALID_PARAM' && /server name/i.test(e.message)) return `${server} is not a valid server name.`;
  return undefined;
}

/**
 * Why restoring the room keys of key backup `version` failed, in one sentence that says what went wrong where: the
 * homeserver not reachable or failing (worth trying again), the backup gone (replaced on another device: trying
 * again will not help), or the engine's own words (a backup key that decrypts none of its keys says so already).
 */
export function describeRestoreError(e: unknown, version: string): string {
  if (e instanceof ConnectionError) return sentence(e.message);
  if (!(e instanceof MatrixError)) return sentence(errorMessage(e));
  if (e.status === 404 || e.errcode === 'M_NOT_FOUND') {
    return `Your homeserver no longer has key backup version ${version}: it was probably deleted or replaced on another device.`;
  }
  if (e.errcode === 'M_LIMIT_EXCEEDED') return 'Your homeserver asked Lattice to wait (too many requests) and did not send the backup.';
  if (e.status >= 500) return `Your homeserver failed to send the key backup (HTTP ${e.status}); it may be busy or down for a moment.`;
  return sentence(`Your homeserver refused to send the key backup: ${e.message.replace(/\.$/, '')}`);
}

/**
 * A failed search of the user directory in one sentence, or undefined when "Could not search the user directory:"
 * with the server's words (or the rate limit's) says it as well. A server without the endpoint (Synapse answers
 * 404 M_UNRECOGNIZED for an unknown path, other servers a bare 404 or 405 page) and one that keeps its users to
 * itself are told apart from a failure, with what to do instead: type the whole user ID.
 */
export function describeUserDirectoryError(e: unknown): string | undefined {
  if (!(e instanceof MatrixError) || e.errcode === 'M_LIMIT_EXCEEDED') return undefined;
  if (e.errcode === 'M_UNRECOGNIZED' || ((e.status === 404 || e.status === 405) && e.body === undefined)) {
    return 'Your homeserver does not offer a search of its users. Type the whole user ID instead (such as @someone:example.org).';
  }
  if (e.status === 403 || e.errcode === 'M_FORBIDDEN') {
    return 'Your homeserver does not let you search its users. Type the whole user ID instead (such as @someone:example.org).';
  }
  if (e.status >= 500) return `Your homeserver failed to search its users (HTTP ${e.status}); it may be busy or down for a moment.`;
  return undefined;
}
