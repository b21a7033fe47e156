/**
 * Maths in messages: the spec's `data-mx-maths` elements (inline `<span>`, block `<div>`, LaTeX source in the
 * attribute) typeset by KaTeX, as Element does: HTML in KaTeX's own fonts for the eye (Chromium's MathML, without
 * a maths font on the system, draws integrals and big operators at text size) and MathML beside it for screen
 * readers. Loaded with its stylesheet as its own chunk the first time a message with maths is shown (RichHtml
 * imports this module lazily); the fonts load as a formula needs them.
 *
 * The source is from the network: KaTeX escapes all text itself, macro expansion and sizes are bounded, and nothing
 * that would make a link, a picture or markup of its own is trusted (\href, \url, \includegraphics, \htmlClass…);
 * a formula asking for one, one KaTeX cannot parse, and a very long one keep the sender's fallback (the source as
 * code) with the reason in its tooltip.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** Longer sources keep their fallback: typesetting them would hold up the timeline. */
const MAX_SOURCE = 4000;

export function renderMaths(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-mx-maths]:not([data-math-rendered])')) {
    const source = el.dataset.mxMaths ?? '';
    el.dataset.mathRendered = 'no';
    if (source.trim() === '' || source.length > MAX_SOURCE) continue;
    let typeset: string;
    let untrusted: string | undefined;
    try {
      typeset = katex.renderToString(source, {
        displayMode: el.tagName === 'DIV', output: 'htmlAndMathml', throwOnError: true, strict: 'ignore', maxExpand: 200, maxSize: 10,
        trust: (asked) => { untrusted ??= asked.command; return false; },
      });
    } catch (e) {
      el.title = `This formula could not be shown: ${e instanceof Error ? e.message.replace(/^KaTeX parse error: /, '') : String(e)}`;
      continue;
    }
    if (untrusted !== undefined) {
      el.title = `This formula is not shown: it asks for ${untrusted}, which Lattice does not allow in formulas.`;
      continue;
    }
    el.innerHTML = typeset;
    el.dataset.mathRendered = 'yes';
    el.title = source;
  }
}
