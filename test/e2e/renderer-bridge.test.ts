/**
 * The renderer's side of the desktop bridge, in real Chromium: the compiled preload (with a stand-in
 * `require('electron')`, as in preload.test.ts) puts `window.lattice` on the page, and the renderer's own code,
 * bundled as the app bundles it, must accept that object, receive links the shell sends, report the viewed room,
 * and keep matrix links clicked in the page from navigating.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

type BuildModule = { buildPreload: (outfile: string) => Promise<void> };

// Runs in the page: a stand-in Electron recording what the preload sends and letting the test emit messages.
function installFakeElectron(): void {
  type Handler = (event: unknown, ...args: unknown[]) => void;
  const handlers = new Map<string, Handler[]>();
  const sent: unknown[][] = [];
  const electron = {
    contextBridge: { exposeInMainWorld(key: string, api: object) { (window as unknown as Record<string, unknown>)[key] = Object.freeze(api); } },
    ipcRenderer: {
      send(channel: string, ...args: unknown[]) { sent.push([channel, ...args]); },
      on(channel: string, h: Handler) { handlers.set(channel, [...(handlers.get(channel) ?? []), h]); },
      removeListener(channel: string, h: Handler) { handlers.set(channel, (handlers.get(channel) ?? []).filter((x) => x !== h)); },
    },
  };
  (window as unknown as { __fake: unknown }).__fake = {
    sent,
    emit(channel: string, ...args: unknown[]) { for (const h of handlers.get(channel) ?? []) h({ sender: null }, ...args); },
    require: () => electron,
  };
}

describe('renderer and the compiled preload in Chromium', () => {
  let dir: string;
  let preload: string;
  let renderer: string;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-bridge-'));
    const { buildPreload } = (await import(new URL('../../scripts/build.mjs', import.meta.url).href)) as BuildModule;
    await buildPreload(path.join(dir, 'preload.cjs'));
    preload = await readFile(path.join(dir, 'preload.cjs'), 'utf8');
    const out = await build({
      stdin: {
        contents: `export { getBridge } from './api/bridge.ts'; export { interceptMatrixLinkClicks } from './links/link-clicks.ts';`,
        resolveDir: path.join(SRC, 'renderer'), loader: 'ts',
      },
      bundle: true, format: 'iife', globalName: '__renderer', platform: 'browser', target: 'es2023', write: false,
    });
    renderer = out.outputFiles[0].text;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts window.lattice, receives shell links, reports the viewed room, routes clicked matrix links', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><a id="user" href="matrix:u/bob:example.org">Bob</a><a id="web" href="#web">web</a>');
    await page.evaluate(installFakeElectron);
    await page.addScriptTag({ content: `(function (require, module, exports) {\n${preload}\n})(window.__fake.require, { exports: {} }, {});` });
    await page.addScriptTag({ content: renderer });
    const result = await page.evaluate(() => {
      type R = {
        getBridge(scope: unknown): { onNavigate?(l: (link: unknown) => void): () => void; setViewedRoom?(id: string | null): void } | undefined;
        interceptMatrixLinkClicks(doc: Document, on: (link: unknown) => void): () => void;
      };
      type Fake = { sent: unknown[][]; emit(channel: string, ...args: unknown[]): void };
      const r = (window as unknown as { __renderer: R }).__renderer;
      const fake = (window as unknown as { __fake: Fake }).__fake;
      const bridge = r.getBridge(window);
      const links: unknown[] = [];
      bridge?.onNavigate?.((link) => links.push(link));
      fake.emit('lattice:navigate', { link: { kind: 'room', room: '!r:example.org', via: [], event_id: '$e' } });
      bridge?.setViewedRoom?.('!r:example.org');
      bridge?.setViewedRoom?.(null);
      const clicked: unknown[] = [];
      r.interceptMatrixLinkClicks(document, (link) => clicked.push(link));
      document.getElementById('user')!.click();
      document.getElementById('web')!.click();
      return { found: bridge !== undefined, links, clicked, sent: fake.sent, hash: location.hash };
    });
    assert.equal(result.found, true);
    assert.deepEqual(result.links, [{ kind: 'room', room: '!r:example.org', via: [], event_id: '$e' }]);
    assert.deepEqual(result.sent, [['lattice:navigate-ready'], ['lattice:view', { room_id: '!r:example.org' }], ['lattice:view', { room_id: null }]]);
    assert.deepEqual(result.clicked, [{ kind: 'user', user_id: '@bob:example.org' }]);
    // The matrix link did not navigate; the ordinary one still did.
    assert.equal(result.hash, '#web');
    await page.close();
  });
});
