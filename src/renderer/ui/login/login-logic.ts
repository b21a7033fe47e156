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

export interface LoginErrorText {
  summary: string;
  /** The backend's own message, for the curious and for bug reports. */
  detail: string;
}

/** Turns the backend's error message into words a person can act on. */
export function describeLoginError(message: string, homeserverUrl: string): LoginErrorText {
  const m = message;
  let summary: string;
  if (/M_FORBIDDEN|invalid (username|password|user)|wrong password|\b403\b/i.test(m)) {
    summary = 'Wrong user ID or password.';
  } else if (/M_USER_DEACTIVATED/i.test(m)) {
    summary = 'This account has been deactivated.';
  } else if (/M_LIMIT_EXCEEDED|\b429\b|too many/i.test(m)) {
    summary = 'Too many attempts. Wait a moment, then try again.';
  } else if (/homeserver_url/i.test(m) && /URL/.test(m)) {
    summary = 'That homeserver URL is not valid. It should look like https://matrix.example.org.';
  } else if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|fetch failed|network|unreachable|timed? ?out|could not connect|connection refused|certificate|TLS|SSL/i.test(m)) {
    summary = `Can't reach the homeserver at ${homeserverUrl}. Check the URL and your connection.`;
  } else if (/M_UNRECOGNIZED|M_NOT_FOUND|\b404\b|not a matrix|did not look like/i.test(m)) {
    summary = `${homeserverUrl} does not look like a Matrix homeserver.`;
  } else if (/keychain|keyring|secret/i.test(m)) {
    summary = 'Signed in, but Lattice cannot store your session securely.';
  } else {
    summary = 'Sign-in failed.';
  }
  return { summary, detail: m };
}

export function describeDiscoveryError(serverName: string): string {
  return `Couldn't find the homeserver for ${serverName}. Enter its URL below.`;
}
