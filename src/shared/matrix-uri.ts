/**
 * Parses `matrix:` URIs (the Matrix spec's URI scheme, appendix "Matrix URI scheme") and `https://matrix.to/#/…`
 * links into one shape the app can act on: open a room (by ID or alias, optionally at an event, with `via` servers
 * to join through) or a user. Pure and shared: the desktop shell parses links the OS hands it, the renderer can
 * parse the links it shows.
 *
 * Grammar followed (matrix: scheme):
 *   MatrixURI   = "matrix:" [ "//" authority "/" ] path [ "?" query ] [ "#" fragment ]
 *   path        = entity [ "/" event ]
 *   entity      = ( "r" / "u" / "roomid" ) "/" id-without-sigil      (long forms "room", "user" accepted too)
 *   event       = "e" "/" id-without-sigil                           (long form "event" accepted; only after a room)
 *   query       = "action=" ( "join" / "chat" ) / "via=" server-name, joined with "&"
 * The authority is reserved by the spec for future use, so a URI carrying one is refused rather than guessed at.
 */

export type LinkAction = 'join' | 'chat';

export type MatrixLink =
  | {
    kind: 'room';
    /** A room ID (`!…`) or alias (`#…:server`), with its sigil. */
    room: string;
    /** Open the room at this event (`$…`). */
    event_id?: string;
    /** Servers to join or preview through (needed for a room ID the user's server does not know). */
    via: string[];
    action?: 'join';
  }
  | { kind: 'user'; user_id: string; action?: 'chat' };

export type LinkParseResult = { ok: true; link: MatrixLink } | { ok: false; error: string };

const MATRIX_TO_PREFIXES = ['https://matrix.to/#/', 'http://matrix.to/#/'];

const TYPES: Record<string, 'alias' | 'user' | 'roomid' | 'event'> = {
  r: 'alias', room: 'alias', u: 'user', user: 'user', roomid: 'roomid', e: 'event', event: 'event',
};
const SIGILS = { alias: '#', user: '@', roomid: '!', event: '$' } as const;

/** A server name as the spec allows it: a DNS name or IP literal, with an optional port. */
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::\d{1,5})?$/;

function fail(error: string): LinkParseResult {
  return { ok: false, error };
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/**
 * Checks an identifier with its sigil. User IDs and aliases need `localpart:server`; room and event IDs may be
 * opaque (room version 12 room IDs and event IDs since v3 carry no server).
 */
function checkId(kind: keyof typeof SIGILS, id: string): string | null {
  if (id.length > 255) return `the ${describe(kind)} is longer than 255 characters`;
  if (!id.startsWith(SIGILS[kind]) || id.length < 2) return `"${id}" is not a valid ${describe(kind)}`;
  if (/[\s\0]/.test(id)) return `the ${describe(kind)} contains spaces or control characters`;
  if (kind === 'user' || kind === 'alias') {
    const colon = id.indexOf(':');
    if (colon < 2 || !SERVER_NAME.test(id.slice(colon + 1))) return `"${id}" is not a valid ${describe(kind)} (it needs a server name after ":")`;
  }
  return null;
}

function describe(kind: keyof typeof SIGILS): string {
  switch (kind) {
    case 'alias': return 'room alias';
    case 'user': return 'user ID';
    case 'roomid': return 'room ID';
    case 'event': return 'event ID';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

interface Query { via: string[]; action?: LinkAction }

function parseQuery(query: string): Query | string {
  const out: Query = { via: [] };
  if (!query) return out;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null) return 'the link has a badly encoded query';
    if (key === 'via') {
      if (!SERVER_NAME.test(value)) return `"${value}" is not a server name`;
      out.via.push(value);
    } else if (key === 'action') {
      // Unknown actions are ignored, as the spec asks: the link still opens the entity.
      if (value === 'join' || value === 'chat') out.action = value;
    }
    // Other keys are for future use or other apps: ignored.
  }
  return out;
}

function build(entity: { kind: 'alias' | 'user' | 'roomid'; id: string }, eventId: string | undefined, q: Query): LinkParseResult {
  if (entity.kind === 'user') {
    if (eventId) return fail('a user link cannot point at an event');
    return { ok: true, link: { kind: 'user', user_id: entity.id, ...(q.action === 'chat' ? { action: 'chat' } : {}) } };
  }
  return {
    ok: true,
    link: {
      kind: 'room', room: entity.id, via: q.via,
      ...(eventId ? { event_id: eventId } : {}), ...(q.action === 'join' ? { action: 'join' } : {}),
    },
  };
}

/** Parses a `matrix:` URI. */
export function parseMatrixUri(uri: string): LinkParseResult {
  if (!/^matrix:/i.test(uri)) return fail('not a matrix: link');
  let rest = uri.slice('matrix:'.length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const qm = rest.indexOf('?');
  const query = qm >= 0 ? rest.slice(qm + 1) : '';
  const path = qm >= 0 ? rest.slice(0, qm) : rest;
  if (path.startsWith('//')) return fail('matrix: links with a server authority (matrix://…) are not supported yet');
  const segments = path.split('/');
  if (segments.length !== 2 && segments.length !== 4) return fail('a matrix: link names a room or user, and optionally an event: matrix:r/alias:server, matrix:u/user:server, matrix:roomid/id/e/event');
  const entityType = TYPES[segments[0].toLowerCase()];
  if (!entityType || entityType === 'event') return fail(`"${segments[0]}" is not a room or user type in a matrix: link`);
  const raw = decode(segments[1]);
  if (raw === null || raw === '') return fail('the link has an empty or badly encoded identifier');
  const id = SIGILS[entityType] + raw;
  const idError = checkId(entityType, id);
  if (idError) return fail(idError);
  let eventId: string | undefined;
  if (segments.length === 4) {
    if (TYPES[segments[2].toLowerCase()] !== 'event') return fail(`"${segments[2]}" is not an event type in a matrix: link`);
    const rawEvent = decode(segments[3]);
    if (rawEvent === null || rawEvent === '') return fail('the link has an empty or badly encoded event ID');
    eventId = `$${rawEvent}`;
    const eventError = checkId('event', eventId);
    if (eventError) return fail(eventError);
  }
  const q = parseQuery(query);
  if (typeof q === 'string') return fail(q);
  return build({ kind: entityType, id }, eventId, q);
}

/** Parses a `https://matrix.to/#/<id>[/<event>][?via=…]` link. */
export function parseMatrixToLink(url: string): LinkParseResult {
  const prefix = MATRIX_TO_PREFIXES.find((p) => url.toLowerCase().startsWith(p));
  if (!prefix) return fail('not a matrix.to link');
  const rest = url.slice(prefix.length);
  const qm = rest.indexOf('?');
  const query = qm >= 0 ? rest.slice(qm + 1) : '';
  const segments = (qm >= 0 ? rest.slice(0, qm) : rest).split('/').filter((s, i) => s !== '' || i === 0);
  if (segments.length < 1 || segments.length > 2) return fail('a matrix.to link names one room or user, and optionally an event');
  const first = decode(segments[0]);
  if (first === null || first === '') return fail('the matrix.to link has an empty or badly encoded identifier');
  const kind = first.startsWith('@') ? 'user' : first.startsWith('#') ? 'alias' : first.startsWith('!') ? 'roomid' : null;
  if (!kind) return fail(`"${first}" is not a room, alias or user`);
  const idError = checkId(kind, first);
  if (idError) return fail(idError);
  let eventId: string | undefined;
  if (segments.length === 2) {
    const ev = decode(segments[1]);
    if (ev === null) return fail('the link has a badly encoded event ID');
    const eventError = checkId('event', ev);
    if (eventError) return fail(eventError);
    eventId = ev;
  }
  const q = parseQuery(query);
  if (typeof q === 'string') return fail(q);
  return build({ kind, id: first }, eventId, q);
}

/** Either kind of link; anything else is refused with the reason. */
export function parseMatrixLink(text: string): LinkParseResult {
  const s = text.trim();
  if (/^matrix:/i.test(s)) return parseMatrixUri(s);
  if (MATRIX_TO_PREFIXES.some((p) => s.toLowerCase().startsWith(p))) return parseMatrixToLink(s);
  return fail('not a matrix: or matrix.to link');
}

/** True when the text looks like a link this module handles (used to pick links out of a command line). */
export function looksLikeMatrixLink(text: string): boolean {
  const s = text.trim().toLowerCase();
  return s.startsWith('matrix:') || MATRIX_TO_PREFIXES.some((p) => s.startsWith(p));
}
