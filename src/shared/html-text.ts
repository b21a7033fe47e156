/**
 * The words of a formatted message as one line of plain text, for the places that show a message in brief (room
 * list preview, reply quote, thread summary, desktop notification). The plain `body` of a formatted message is often
 * its markdown source ("**bold**"); like Element's previews, these places read the formatted text instead. Spoilers
 * stay hidden, and a reply's quoted fallback (`<mx-reply>`) is left out.
 *
 * The input is the backend's sanitized HTML (local_content.sanitized_html): well-formed, every `<` and `>` in text
 * or attribute values escaped, so a tag is always `<...>`. No DOM is needed (the renderer's unit tests run in Node).
 */
import { stripReplyFallbackHtml } from './reply-fallback.ts';

/** Tags whose end (or the tag itself, for br/hr) separates words. */
const BREAK = /^\/?(br|hr|p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|details|summary)$/i;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToPlainText(formatted: string): string {
  const html = stripReplyFallbackHtml(formatted);
  let out = '';
  let last = 0;
  /** Depth inside a spoiler's span (0: outside); its text is left out. */
  let spoiler = 0;
  for (const m of html.matchAll(TAG)) {
    if (spoiler === 0) out += html.slice(last, m.index);
    last = m.index + m[0].length;
    const [, closing, name, attrs] = m;
    const isSpan = name.toLowerCase() === 'span';
    if (spoiler > 0) {
      if (isSpan) spoiler += closing ? -1 : 1;
      continue;
    }
    if (isSpan && !closing && /\bdata-mx-spoiler\b/i.test(attrs)) {
      out += '(spoiler)';
      spoiler = 1;
      continue;
    }
    if (BREAK.test(`${closing}${name}`)) out += ' ';
    // A custom emoji (or any image) reads as its alt text, as it does to a screen reader.
    else if (name.toLowerCase() === 'img') out += /\balt="([^"]*)"/i.exec(attrs)?.[1] ?? '';
  }
  if (spoiler === 0) out += html.slice(last);
  return decodeEntities(out).replace(/\s+/g, ' ').trim();
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
