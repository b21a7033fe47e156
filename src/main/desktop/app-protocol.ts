/**
 * Serves the built renderer from `lattice://app/…`. A privileged custom scheme rather than file:// gives the page
 * a real origin of its own (permissions, storage and the IPC sender check key on it) and lets every response carry
 * the Content-Security-Policy header, which file:// cannot.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, mimeTypeFor, resolveAppFile } from './security.ts';

export const APP_SCHEME_DEFINITION: CustomScheme = {
  scheme: APP_SCHEME,
  // standard: a real origin and relative URL resolution; secure: a secure context (notifications, clipboard,
  // crypto.subtle); supportFetchAPI: module scripts and fetch() of the app's own assets; codeCache: faster start.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before the app's `ready` event: Chromium reads scheme privileges once, at startup. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_DEFINITION]);
}

type ReadFile = (file: string) => Promise<Uint8Array<ArrayBuffer>>;

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
} as const;

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The request handler for the app scheme: files under `root` (the built renderer), nothing else. */
export function createAppRequestHandler(root: string, readFile: ReadFile = fsReadFile): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'method not allowed');
    const file = resolveAppFile(root, req.url);
    if (!file) return plain(404, 'not found');
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'not found');
      return plain(500, 'could not read file');
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file), 'Cache-Control': 'no-cache' };
    return new Response(req.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

/** Call after `ready`. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root));
}
