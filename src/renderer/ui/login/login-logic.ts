/** Login form rules, kept out of the component so they are unit-tested. */

/** `@alice:example.org` → `example.org`; null when it is not a full user ID. */
export function serverNameOf(userId: string): string | null {
  const m = /^@[^:\s]+:([^\s]+)$/.exec(userId.trim());
  return m ? m[1] : null;
}

/** Accepts what people type ("matrix.org", "localhost:8008") and returns an http(s) URL, or null. */
export function normalizeHomeserverUrl(input: string): string | null {
  let s = input.trim();
  if (s === '') return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname) return null;
  return url.href.replace(/\/+$/, '');
}

/** The form field a problem is about: where the cursor goes so the user can fix it straight away. */
export type LoginField = 'userid' | 'homeserver' | 'password';

export interface LoginProblem {
  /** Whole sentences: the backend words a failed login itself (matrix/errors.ts), so it is shown as it is. */
  text: string;
  field: LoginField;
}

/**
 * Which field a failed login's message is about: the homeserver when the server could not be reached or is not a
 * homeserver, else the password (a wrong password is by far the most common case, and the user ID sits above it).
 */
export function loginErrorField(message: string): LoginField {
  return /could not reach|not answering|does not look like a Matrix homeserver|homeserver_url/i.test(message) ? 'homeserver' : 'password';
}

export function describeDiscoveryError(serverName: string): string {
  return `Couldn't find the homeserver for ${serverName}. Enter its URL below.`;
}
