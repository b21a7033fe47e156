/**
 * A small web site for link-preview tests, on 127.0.0.1: `/tides` (and any path under it) is a page with
 * OpenGraph tags (title, site name, description, its own URL, a 400×200 PNG with its size), `/plain` a page with a
 * title and no picture, `/square` one with a square picture of undeclared size, `/tides.png` and `/square.png` the
 * pictures; `/held` (and under it) is the `/tides` page, answered only once the test calls `releaseHeld()` (a preview
 * that is still loading when the message is sent). The homeserver fetches these when asked to preview them (the test
 * Synapse allows loopback addresses with `urlPreviews`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodePng } from './png.ts';

export const PAGE_TITLE = 'Tide tables <b>for</b> the harbour';
export const PAGE_SITE = 'Harbour Office';
export const PAGE_DESCRIPTION = 'When the water comes in and goes out at the old harbour, for every day of the year, with the moon '
  + 'phases and a note on spring tides that is long enough to need clipping after a few lines in a narrow window.';
export const PICTURE = encodePng(400, 200, (x, y) => (x < 200 ? [30, 110, 200] : y < 100 ? [240, 180, 40] : [40, 160, 90]));
const SQUARE = encodePng(120, 120, (x, y) => ((x + y) % 40 < 20 ? [200, 60, 60] : [250, 250, 250]));

export interface OgPageServer {
  /** http://127.0.0.1:PORT */
  base: string;
  /** Answers the `/held` requests waiting so far, and those that come later at once. */
  releaseHeld(): void;
  /** Holds the `/held` requests that come from now on again, until the next releaseHeld(). */
  holdAgain(): void;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function startOgPageServer(): Promise<OgPageServer> {
  let held: (() => void)[] | null = [];
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = req.url ?? '/';
    if (url === '/tides.png' || url === '/square.png') {
      const png = url === '/tides.png' ? PICTURE : SQUARE;
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
    } else if (url.startsWith('/square')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head>
        <meta property="og:title" content="Lighthouse keepers' club">
        <meta property="og:description" content="Meetings every first Monday.">
        <meta property="og:image" content="${base}/square.png"></head><body>x</body></html>`);
    } else if (url.startsWith('/plain')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><html><head><meta property="og:title" content="A page without a picture"></head><body>x</body></html>');
    } else if (url.startsWith('/tides') || url.startsWith('/other') || url.startsWith('/held')) {
      const title = url.startsWith('/other') ? 'Another page' : PAGE_TITLE;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><title>ignored</title>
        <meta property="og:title" content="${escape(title)}">
        <meta property="og:site_name" content="${escape(PAGE_SITE)}">
        <meta property="og:description" content="${escape(PAGE_DESCRIPTION)}">
        <meta property="og:url" content="${escape(base + url)}">
        <meta property="og:image" content="${base}/tides.png">
        <meta property="og:image:width" content="400"><meta property="og:image:height" content="200">
        </head><body><p>Tides</p></body></html>`);
    } else {
      res.writeHead(404).end();
    }
  };
  const server: Server = createServer((req, res) => {
    if (held && req.url?.startsWith('/held')) held.push(() => serve(req, res));
    else serve(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    releaseHeld: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    holdAgain: () => { held ??= []; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
