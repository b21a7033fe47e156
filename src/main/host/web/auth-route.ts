/**
 * `/_gomuks/auth`: trades the printed login link for a session cookie, extends a valid cookie, or checks Basic
 * credentials, as gomuks does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOT_AUTHENTICATED, sendText, type HttpPolicy } from './http-policy.ts';
import type { WebAuth } from './web-auth.ts';

export async function handleAuth(auth: WebAuth, policy: HttpPolicy, req: IncomingMessage, res: ServerResponse,
  query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, POST' });
    return;
  }
  // Login CSRF is harmless with one account, but a foreign page has no business here either.
  if (!policy.originAllowed(req)) { sendText(res, 403, 'Forbidden: foreign origin'); return; }
  const token = query.get('token');
  if (token !== null) {
    if (!auth.checkLoginToken(token)) { sendText(res, 401, 'This login link is invalid or outdated. Use the one the web host printed when it started.'); return; }
    // 303 to / also takes the token out of the address bar.
    res.writeHead(303, { 'Set-Cookie': auth.issueCookie(), Location: '/', 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
    return;
  }
  // As in gomuks: a valid cookie is extended; otherwise Basic credentials are checked.
  if (auth.checkCookie(req.headers.cookie) || await auth.checkBasic(req.headers.authorization)) {
    res.writeHead(204, { 'Set-Cookie': auth.issueCookie(), 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  const prompt = auth.hasPassword() && query.get('no_prompt') !== 'true';
  sendText(res, 401, NOT_AUTHENTICATED, prompt ? { 'WWW-Authenticate': 'Basic realm="Lattice", charset="UTF-8"' } : {});
}
