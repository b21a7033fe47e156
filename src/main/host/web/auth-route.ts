/**
 * `/_gomuks/auth`: turns a login link or Basic credentials into a session, and extends a browser's cookie.
 *
 *   GET  /_gomuks/auth?token=KEY              the printed login link: redirects to `/#login=KEY` without using the
 *                                             key, so the page itself redeems it and keeps the session token
 *   POST /_gomuks/auth?token=KEY[&output=json] uses the key up: a session (cookie, and with output=json its token)
 *   GET|POST /_gomuks/auth[?output=json]      Basic credentials: a new session, as gomuks does; a valid cookie alone
 *                                             only has its expiry extended and never yields the token
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOT_AUTHENTICATED, sendText, type HttpPolicy } from './http-policy.ts';
import type { WebAuth } from './web-auth.ts';
import type { NewSession } from './web-sessions.ts';

const USED_LINK = 'This login link was already used or has expired (links work once, for 10 minutes). '
  + 'Get a new one from the web host: it prints one when it starts, and `web-main --login-link` prints another.';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
  res.end(buf);
}

function started(auth: WebAuth, res: ServerResponse, s: NewSession, json: boolean): void {
  const headers = { 'Set-Cookie': auth.cookieHeader(s) };
  if (json) sendJson(res, 201, { token: s.token, expires_at: s.expiresAt }, headers);
  else { res.writeHead(201, { ...headers, 'Cache-Control': 'no-store', 'Content-Length': 0 }); res.end(); }
}

export async function handleAuth(auth: WebAuth, policy: HttpPolicy, req: IncomingMessage, res: ServerResponse,
  query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, POST' });
    return;
  }
  // Login CSRF is harmless with one account, but a foreign page has no business here either.
  if (!policy.originAllowed(req)) { sendText(res, 403, 'Forbidden: foreign origin'); return; }
  const json = query.get('output') === 'json';
  const key = query.get('token');
  if (key !== null) {
    if (req.method !== 'POST') {
      if (!auth.sessions.loginKeyValid(key)) { sendText(res, 401, USED_LINK); return; }
      // The fragment never reaches a server or a Referer, and the page removes it from the address bar at once.
      res.writeHead(303, { Location: `/#login=${encodeURIComponent(key)}`, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      res.end();
      return;
    }
    const s = auth.sessions.redeemLoginKey(key);
    if (!s) { sendText(res, 401, USED_LINK); return; }
    started(auth, res, s, json);
    return;
  }
  if (await auth.checkBasic(req.headers.authorization)) {
    started(auth, res, auth.sessions.create(), json);
    return;
  }
  const cookie = auth.refreshedCookie(req.headers.cookie);
  if (cookie !== undefined) {
    if (json) sendJson(res, 200, {}, { 'Set-Cookie': cookie });
    else { res.writeHead(204, { 'Set-Cookie': cookie, 'Cache-Control': 'no-store' }); res.end(); }
    return;
  }
  const prompt = auth.hasPassword() && query.get('no_prompt') !== 'true';
  sendText(res, 401, NOT_AUTHENTICATED, prompt ? { 'WWW-Authenticate': 'Basic realm="Lattice", charset="UTF-8"' } : {});
}
