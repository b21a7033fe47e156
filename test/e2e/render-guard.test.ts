/**
 * The window's parts that stop drawing themselves when their code throws (RenderGuard.tsx), in real Chromium with
 * React as the app bundles it: a timeline row that throws says so in its place and its neighbours stay; a panel that
 * throws offers Try again, which draws it afresh; a new resetKey (the row's event changed, another room) tries again
 * by itself; the window's last guard offers a reload. Without these React unmounts the whole window on any throw.
 * The components are bundled on their own (no backend); the app's own parts are placed in App.tsx, RoomView.tsx and
 * Timeline.tsx.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';

const SRC = path.resolve(import.meta.dirname, '../../src/renderer');

/**
 * The page's harness: `window.__guard.show(scene)` draws one of the scenes below; `window.__guard.broken` says
 * whether the throwing component throws (a test mends it before pressing Try again).
 */
const ENTRY = `
import { createElement as h, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { AppFailed, OverlayFailed, PartFailed, RenderGuard, RowFailed } from './ui/common/RenderGuard.tsx';

const state = { broken: true, setKey: (k) => {} };
function Breaks({ label }) {
  if (state.broken) throw new Error('the event had no body');
  return h('p', { 'data-testid': 'drawn' }, label);
}
function Row({ text, breaks }) {
  return h('div', { className: 'row' }, breaks ? h(Breaks, { label: text }) : h('p', null, text));
}
function Rows() {
  return h('div', null, ['first', 'second', 'third'].map((t, i) =>
    h(RenderGuard, { key: t, name: 'a row', fallback: (e) => h(RowFailed, { error: e }) }, h(Row, { text: t, breaks: i === 1 }))));
}
function Part() {
  const [key, setKey] = useState('a');
  state.setKey = setKey;
  return h(RenderGuard, { name: 'a panel', resetKey: key, fallback: (e, retry) => h(PartFailed, { error: e, retry, what: 'this panel' }) },
    h(Breaks, { label: 'panel ' + key }));
}
function Overlay() {
  return h('div', null, h('p', { 'data-testid': 'app-still-here' }, 'the app'),
    h(RenderGuard, { name: 'an overlay', fallback: (e, retry) => h(OverlayFailed, { error: e, retry }) }, h(Breaks, { label: 'overlay' })));
}
function Whole() {
  return h(RenderGuard, { name: 'the window', fallback: (e) => h(AppFailed, { error: e }) }, h(Breaks, { label: 'app' }));
}
const root = createRoot(document.getElementById('root'));
window.__guard = {
  state,
  show(scene) {
    const el = scene === 'rows' ? h(Rows) : scene === 'part' ? h(Part) : scene === 'overlay' ? h(Overlay) : h(Whole);
    flushSync(() => root.render(el));
  },
  setKey(k) { flushSync(() => state.setKey(k)); },
};
`;

interface Guard {
  state: { broken: boolean };
  show(scene: 'rows' | 'part' | 'overlay' | 'whole'): void;
  setKey(k: string): void;
}

describe('parts of the window that fail alone, in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    const out = await build({
      stdin: { contents: ENTRY, resolveDir: SRC, loader: 'jsx' },
      bundle: true, format: 'iife', platform: 'browser', target: 'es2023', write: false, jsx: 'automatic',
      loader: { '.css': 'empty' }, define: { 'process.env.NODE_ENV': '"production"' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><div id="root"></div>');
    await page.addScriptTag({ content: out.outputFiles[0].text });
  });
  after(async () => {
    await browser?.close();
  });

  /** Draws `scene` with the throwing component broken or not. */
  const show = (scene: 'rows' | 'part' | 'overlay' | 'whole', broken: boolean): Promise<void> => page.evaluate(([scene, broken]) => {
    const g = (window as unknown as { __guard: Guard }).__guard;
    g.state.broken = broken;
    g.show(scene);
  }, [scene, broken] as const);
  /** Mends the throwing component, and with `key` gives the panel a new resetKey. */
  const mend = (key?: string): Promise<void> => page.evaluate((key) => {
    const g = (window as unknown as { __guard: Guard }).__guard;
    g.state.broken = false;
    if (key !== undefined) g.setKey(key);
  }, key);

  it('puts a row that cannot be drawn in words in its place, and keeps the rows around it', async () => {
    await show('rows', true);
    assert.equal(await page.getByTestId('row-failed').textContent(), 'This message could not be shown (the event had no body).');
    assert.deepEqual(await page.locator('.row > p').allTextContents(), ['first', 'third']);
    assert.equal(await page.getByTestId('row-failed').getAttribute('role'), 'note');
    assert.deepEqual(errors, [], 'nothing escaped the guard');
  });

  it('offers Try again in place of a panel, which draws it afresh once it can be drawn', async () => {
    await show('part', true);
    const failed = page.getByTestId('part-failed');
    assert.match(await failed.textContent() ?? '', /Lattice could not show this panel: the event had no body/);
    // Still broken: pressing it shows the same words again, nothing worse.
    await failed.getByRole('button', { name: 'Try again' }).click();
    assert.equal(await failed.count(), 1);
    await mend();
    await failed.getByRole('button', { name: 'Try again' }).click();
    assert.equal(await page.getByTestId('drawn').textContent(), 'panel a');
    assert.deepEqual(errors, []);
  });

  it('tries again by itself when what the part draws changes', async () => {
    await show('part', true);
    assert.equal(await page.getByTestId('part-failed').count(), 1);
    await mend('b');
    assert.equal(await page.getByTestId('drawn').textContent(), 'panel b');
  });

  it('says in a corner that a window over the app failed, the app under it still there', async () => {
    await show('overlay', true);
    assert.match(await page.getByTestId('overlay-failed').textContent() ?? '', /could not show a call, verification or report window: the event had no body/);
    assert.equal(await page.getByTestId('app-still-here').textContent(), 'the app');
    await mend();
    await page.getByTestId('overlay-failed').getByRole('button', { name: 'Try again' }).click();
    assert.equal(await page.getByTestId('drawn').textContent(), 'overlay');
  });

  it('offers to reload when the whole window cannot be drawn', async () => {
    await show('whole', true);
    const failed = page.getByTestId('app-failed');
    assert.equal(await failed.getByRole('heading').textContent(), 'Lattice stopped drawing its window');
    assert.equal(await failed.getByRole('button', { name: 'Reload the window' }).count(), 1);
    assert.deepEqual(errors, []);
  });
});
