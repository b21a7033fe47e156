/**
 * The edit history's word marks in a version's HTML (edit-diff.ts' markHtml), in real Chromium: it needs a DOM, and
 * which element a removed word lands in decides how it looks. A removed word stands where it stood, so it takes no
 * formatting from a neighbour it did not share: not the bold, the link or the code of the word after it, nor of the
 * word before it when it was removed at the end; between two words of one bold run it stays in the run. The module
 * is bundled as the app bundles it; no backend is involved.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Where each mark ended up: its text, and the tags of its ancestors inside the message, innermost first. */
interface Placed { tag: string; text: string; inside: string[] }
interface Marked { html: string; text: string; marks: Placed[] }

describe('edit history marks in HTML, in Chromium', () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    const out = await build({
      stdin: { contents: `export { htmlWords, markHtml, words } from './ui/dialogs/edit-diff.ts';`, resolveDir: path.join(SRC, 'renderer'), loader: 'ts' },
      bundle: true, format: 'iife', globalName: '__diff', platform: 'browser', target: 'es2023', write: false,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.setContent('<!doctype html><div id="out"></div>');
    await page.addScriptTag({ content: out.outputFiles[0].text });
  });
  after(async () => {
    await browser?.close();
  });

  /** `older` is the previous version's text (its words are what is compared), `html` the newer version's HTML. */
  function mark(older: string, html: string): Promise<Marked> {
    return page.evaluate(([older, html]) => {
      type D = { markHtml(before: readonly string[], html: string): string; words(text: string): string[] };
      const d = (window as unknown as { __diff: D }).__diff;
      const out = document.getElementById('out')!;
      out.innerHTML = d.markHtml(d.words(older), html);
      const marks = [...out.querySelectorAll('ins, del')].map((el) => {
        const inside: string[] = [];
        for (let p = el.parentElement; p && p !== out; p = p.parentElement) inside.push(p.tagName.toLowerCase());
        return { tag: el.tagName.toLowerCase(), text: el.textContent ?? '', inside };
      });
      return { html: out.innerHTML, text: out.textContent ?? '', marks };
    }, [older, html] as const);
  }

  it('puts a word removed before a bold word outside the bold', async () => {
    const m = await mark('hello plain bold', 'hello <strong>bold</strong>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'plain', inside: [] }], m.html);
    assert.equal(m.text.replace(/\s+/g, ' '), 'hello plain bold');
  });

  it('puts a word removed before a link, inline code or nested formatting outside each', async () => {
    let m = await mark('see the docs', 'see <a href="https://example.org/">docs</a>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'the', inside: [] }], m.html);
    m = await mark('run the tool', 'run <code>tool</code>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'the', inside: [] }], m.html);
    // Inside the bold both neighbours share: out of the italic only the next word has.
    m = await mark('hello plain word', '<strong>hello <em>word</em></strong>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'plain', inside: ['strong'] }], m.html);
  });

  it('puts a word removed at the start before the formatting, but inside the paragraph', async () => {
    let m = await mark('plain bold rest', '<strong>bold</strong> rest');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'plain', inside: [] }], m.html);
    assert.equal(m.text.replace(/\s+/g, ' ').trim(), 'plain bold rest');
    m = await mark('plain bold', '<p><strong>bold</strong></p>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'plain', inside: ['p'] }], m.html);
  });

  it('puts a word removed at the end after the formatting of the last word', async () => {
    const m = await mark('hello bold plain', 'hello <strong>bold</strong>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'plain', inside: [] }], m.html);
    assert.equal(m.text.replace(/\s+/g, ' '), 'hello bold plain');
    const inList = await mark('one two three', '<ul><li>one <em>two</em></li></ul>');
    assert.deepEqual(inList.marks, [{ tag: 'del', text: 'three', inside: ['li', 'ul'] }], inList.html);
  });

  it('keeps a word removed between two words of one bold run in the run, and added words where they are', async () => {
    let m = await mark('a very big deal', 'a <b>very deal</b>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'big', inside: ['b'] }], m.html);
    m = await mark('a very big deal', 'a <b>very</b> <b>deal</b>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'big', inside: [] }], m.html);
    m = await mark('lunch at noon', 'lunch at <b>one</b>');
    assert.deepEqual(m.marks, [{ tag: 'del', text: 'noon', inside: [] }, { tag: 'ins', text: 'one', inside: ['b'] }], m.html);
  });
});
