/**
 * Maths in the composer's markdown, sent as the spec's `data-mx-maths` elements with the LaTeX source as their code
 * fallback (gomuks' rules, so both send the same): `$…$` inline, `$$` … `$$` as a block (on one line or fenced over
 * several), and a ```math fence. The rules keep everyday dollars as text, which pandoc's rules (and the libraries
 * that follow them) do not: an inline `$` opens only where no letter or digit comes before it and no space after it,
 * and closes only where no space comes before it and no letter or digit after it ("$5 and $10", "$HOME/$PATH" stay
 * text); a `$$` that is never closed is text, not a block taking the rest of the message.
 */
import type MarkdownIt from 'markdown-it';
import type StateBlock from 'markdown-it/lib/rules_block/state_block.mjs';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import { escapeHtml } from '../../../shared/escape-html.ts';

const DOLLAR = 0x24;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** The element for one formula; the fallback keeps a block's line breaks. */
function mathElement(source: string, display: boolean): string {
  const src = escapeHtml(source.trim());
  return display
    ? `<div data-mx-maths="${src}"><code>${src.replace(/\n/g, '<br>')}</code></div>\n`
    : `<span data-mx-maths="${src}"><code>${src}</code></span>`;
}

function inlineMath(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== DOLLAR) return false;
  const before = pos > 0 ? src[pos - 1] : '';
  const first = src[pos + 1] ?? '';
  if (WORD.test(before) || first === '' || first === '$' || SPACE.test(first)) return false;
  const end = src.indexOf('$', pos + 1);
  if (end < 0 || end > posMax) return false;
  const content = src.slice(pos + 1, end);
  const after = src[end + 1] ?? '';
  if (content.includes('\n') || SPACE.test(src[end - 1]) || WORD.test(after) || after === '$') return false;
  if (!silent) {
    const token = state.push('math_inline', 'span', 0);
    token.content = content;
    token.markup = '$';
  }
  state.pos = end + 1;
  return true;
}

function lineText(state: StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]);
}

function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const opening = lineText(state, startLine);
  if (!opening.startsWith('$$')) return false;
  const rest = opening.slice(2).trim();
  let content: string;
  let next: number;
  if (rest.endsWith('$$') && rest.length > 2) {
    // $$ formula $$ on one line.
    content = rest.slice(0, -2);
    if (content.includes('$')) return false;
    next = startLine + 1;
  } else {
    if (rest.includes('$')) return false;
    let close = startLine + 1;
    while (close < endLine && !(lineText(state, close).trim() === '$$' && state.sCount[close] >= state.blkIndent)) close++;
    if (close >= endLine) return false;
    content = (rest ? `${rest}\n` : '') + state.getLines(startLine + 1, close, state.sCount[startLine], false);
    next = close + 1;
  }
  if (silent) return true;
  const token = state.push('math_block', 'div', 0);
  token.block = true;
  token.content = content;
  token.markup = '$$';
  token.map = [startLine, next];
  state.line = next;
  return true;
}

/** Adds the maths rules to a markdown-it instance. */
export function markdownMath(md: MarkdownIt): void {
  md.inline.ruler.after('escape', 'math_inline', inlineMath);
  md.block.ruler.before('fence', 'math_block', blockMath, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, i) => mathElement(tokens[i].content, false);
  md.renderer.rules.math_block = (tokens, i) => mathElement(tokens[i].content, true);
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, i, options, env, self) => (tokens[i].info.trim() === 'math'
    ? mathElement(tokens[i].content, true)
    : fence ? fence(tokens, i, options, env, self) : self.renderToken(tokens, i, options));
}
