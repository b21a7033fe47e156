/**
 * Sanitizes Matrix HTML (formatted_body) once, at ingest, with the spec's allow-list ("m.room.message msgtypes",
 * HTML section), so nothing the network sent reaches the renderer unsanitized.
 */
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'font', 'del', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'p', 'a', 'ul', 'ol', 'sup', 'sub', 'li', 'b',
  'i', 'u', 'strong', 'em', 's', 'code', 'hr', 'br', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption',
  'pre', 'span', 'img', 'details', 'summary',
];

/** The spec's recommended limit on how deeply tags nest. */
const MAX_NESTING = 100;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    font: ['data-mx-bg-color', 'data-mx-color', 'color'],
    span: ['data-mx-bg-color', 'data-mx-color', 'data-mx-spoiler', 'data-mx-maths'],
    div: ['data-mx-maths'],
    a: ['name', 'target', 'href', 'rel'],
    img: ['width', 'height', 'alt', 'title', 'src'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  // The library lets relative links through whatever the schemes; transformTags.a and enforcePolicy() below don't.
  allowedSchemes: ['https', 'http', 'mailto', 'matrix'],
  allowedSchemesByTag: { img: ['mxc'] },
  allowProtocolRelative: false,
  // The reply fallback duplicates the quoted message; clients that render replies drop it (spec: "rich replies").
  exclusiveFilter: (frame) => frame.tag === 'mx-reply',
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'mx-reply'],
  transformTags: {
    // A link whose target isn't an allowed absolute URL keeps its text and loses the link.
    a: (tagName, attribs) => (attribs.href !== undefined && isAllowedLink(attribs.href)
      ? { tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }
      : { tagName: 'span', attribs: {} }),
    // Images are mxc:// URIs and media isn't served to the renderer yet: show their alt text, never a broken image.
    img: (_tagName, attribs) => ({ tagName: 'span', attribs: { class: 'mx-inline-image' }, text: attribs.alt || attribs.title || 'image' }),
  },
  allowedStyles: {},
  // Deeper tags are dropped and their text kept, so a message cannot widen the timeline or exhaust the renderer.
  nestingLimit: MAX_NESTING,
};

const LIBRARY_OPTIONS: sanitizeHtml.IOptions = { ...OPTIONS, allowedClasses: { ...OPTIONS.allowedClasses, span: ['mx-inline-image'] } };

export function sanitizeMatrixHtml(html: string): string {
  // The fast path or the library, and either way the link and nesting policy checked on the result.
  return enforcePolicy(sanitizeCommonHtml(html) ?? sanitizeWithLibrary(html), html);
}

/** The full sanitizer: any input. */
export function sanitizeWithLibrary(html: string): string {
  return sanitizeHtml(html, LIBRARY_OPTIONS);
}

// --- The common case, without a parser --------------------------------------------------------------------------
// Most formatted bodies are a few allowed tags without attributes around plain text (what markdown produces), for
// which sanitize-html's output is the input itself, apart from links and void tags. Such input is recognised here
// in one pass; anything else (attributes, entities, unbalanced or implicitly closed tags, unknown tags) returns
// undefined and goes through the library. A randomized test holds this to the library's output.

const PLAIN_TAGS = new Set([
  'b', 'i', 'u', 's', 'em', 'strong', 'del', 'code', 'sup', 'sub', 'span', 'p', 'blockquote', 'ul', 'ol', 'li', 'pre',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div',
]);
const VOID_TAGS = new Set(['br', 'hr']);
/** Opening these closes an open <p> in the HTML parser (htmlparser2's openImpliesClose), changing the output. */
const CLOSES_P = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'div', 'ol', 'ul', 'pre', 'hr']);
const TAG = /<(\/?)([a-z][a-z0-9]*)(?: href="([^"]*)")?( ?\/)?>/g;
/** Text the library would escape or decode (or a parser would treat specially) is left to the library. */
const UNSAFE_TEXT = /[<>&\0\r]/;
// Control characters (U+0000–U+001F, U+007F) are excluded through the \p{Cc} class.
// http(s) links must spell out their `//` (`http:/x` is relative to our own origin): see isAllowedLink.
const SAFE_HREF = /^(?:https?:\/\/|mailto:)[^\s"'<>&\\`\p{Cc}]*$/u;
const LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"';

export function sanitizeCommonHtml(html: string): string | undefined {
  const stack: string[] = [];
  let out = '';
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const text = html.slice(last, m.index);
    if (UNSAFE_TEXT.test(text)) return undefined;
    out += text;
    last = TAG.lastIndex;
    const [, closing, tag, href, slash] = m;
    if (VOID_TAGS.has(tag)) {
      if (closing || href !== undefined || (tag === 'hr' && stack.includes('p'))) return undefined;
      out += `<${tag} />`;
    } else if (closing) {
      if (href !== undefined || slash || stack.pop() !== tag) return undefined;
      out += `</${tag}>`;
    } else if (slash) {
      return undefined;
    } else if (tag === 'a') {
      if (href === undefined || !SAFE_HREF.test(href)) return undefined;
      stack.push(tag);
      out += `<a href="${href}" ${LINK_ATTRS}>`;
    } else {
      if (href !== undefined || !PLAIN_TAGS.has(tag)) return undefined;
      if ((CLOSES_P.has(tag) && stack.includes('p')) || (tag === 'li' && stack.includes('li'))) return undefined;
      stack.push(tag);
      out += `<${tag}>`;
    }
  }
  const rest = html.slice(last);
  if (stack.length || UNSAFE_TEXT.test(rest)) return undefined;
  return out + rest;
}

// --- Links and nesting, checked on the output -------------------------------------------------------------------
// Whatever produced the sanitized HTML (the library, or a faster path for common input), its output is checked once
// more for the two rules a wrong shortcut would break silently: every href an allowed absolute URL, no nesting
// deeper than MAX_NESTING. Output that fails goes through the library again; if even that failed, only text is kept.

/** Schemes a link may have (spec: allowed `a href` schemes; matrix.to links are https). */
const LINK_SCHEMES = new Set(['https:', 'http:', 'mailto:', 'matrix:']);

/**
 * True for an absolute URL with an allowed scheme. Relative links (`/_gomuks/auth?token=…`, `//host/x`) resolve
 * against the app's own origin, and so does `http:/path` (a special scheme without `//` is relative to a base of the
 * same scheme), so http(s) links must spell out their `//`. The browser drops tabs and newlines anywhere in a URL and
 * trims spaces and controls at its ends, so the check does too.
 */
export function isAllowedLink(href: string): boolean {
  // eslint-disable-next-line no-control-regex
  const url = href.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  if (/^https?:/i.test(url) && !/^https?:[/\\]{2}/i.test(url)) return false;
  try {
    return LINK_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Returns `out` if it meets the link and nesting rules, else the library's output for `input` (or its text). */
export function enforcePolicy(out: string, input: string): string {
  if (meetsPolicy(out)) return out;
  const again = sanitizeHtml(input, LIBRARY_OPTIONS);
  return meetsPolicy(again) ? again : sanitizeHtml(input, { allowedTags: [], allowedAttributes: {} });
}

const OUTPUT_TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const VOID_OUTPUT_TAGS = new Set(['br', 'hr', 'img']);
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const OUTPUT_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function meetsPolicy(html: string): boolean {
  let depth = 0;
  OUTPUT_TAG.lastIndex = 0;
  for (let m = OUTPUT_TAG.exec(html); m; m = OUTPUT_TAG.exec(html)) {
    const [, closing, tag, attrs] = m;
    if (closing) {
      depth--;
      continue;
    }
    for (const h of attrs.matchAll(HREF)) {
      const raw = h[1] ?? h[2] ?? h[3];
      // Only the escapes the sanitizers write are expected; any other entity could spell a scheme's characters.
      const decoded = raw.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => OUTPUT_ENTITIES[e] ?? e);
      if (raw.replace(/&(?:amp|lt|gt|quot|#39);/g, '').includes('&') || !isAllowedLink(decoded)) return false;
    }
    if (VOID_OUTPUT_TAGS.has(tag.toLowerCase()) || attrs.endsWith('/')) continue;
    if (++depth > MAX_NESTING) return false;
  }
  return true;
}

/** True when the HTML held an mx-reply fallback that sanitizing removed. */
export function hasReplyFallback(html: string): boolean {
  return /<mx-reply[\s>]/i.test(html);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
