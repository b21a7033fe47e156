/**
 * Syntax highlighting for code blocks in messages: highlight.js core with the languages people paste most, loaded
 * as its own chunk the first time a message with a code block is shown (RichHtml imports this module lazily).
 * highlight.js escapes the code text itself, so its output adds only <span class="hljs-…"> to sanitized HTML.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = { bash, c, cpp, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);

/** Guessing the language costs a pass per language: only for blocks this short. */
const AUTO_LIMIT = 3000;

/** Highlights every `pre > code` under `root` not done yet; a `language-x` class picks the language. */
export function highlightCode(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('pre > code:not([data-highlighted])')) {
    const lang = /(?:^|\s)language-([\w-]+)/.exec(el.className)?.[1];
    const text = el.textContent;
    let html: string | undefined;
    if (lang && hljs.getLanguage(lang)) html = hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
    else if (!lang && text.length <= AUTO_LIMIT) {
      const guess = hljs.highlightAuto(text);
      if (guess.relevance >= 5) html = guess.value;
    }
    el.dataset.highlighted = 'yes';
    if (html !== undefined) {
      el.innerHTML = html;
      el.classList.add('hljs');
    }
  }
}
