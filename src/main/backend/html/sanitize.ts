/**
 * Sanitizes Matrix HTML (formatted_body) once, at ingest, with the spec's allow-list ("m.room.message msgtypes",
 * HTML section), so nothing the network sent reaches the renderer unsanitized. Images (custom emoji above all) are
 * kept only for valid mxc:// sources, see `inlineImage`.
 */
import sanitizeHtml from 'sanitize-html';
import { mxcToPath } from '../../../shared/rpc/media.ts';

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
    // No `src` in what the renderer gets: `inlineImage` moves a valid mxc:// URI to `data-mxc`.
    img: ['width', 'height', 'alt', 'title', 'data-mxc', 'data-mx-emoticon'],
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
    img: (_tagName, attribs) => inlineImage(attribs, 'data-mxc'),
  },
  allowedStyles: {},
  // Deeper tags are dropped and their text kept, so a message cannot widen the timeline or exhaust the renderer.
  nestingLimit: MAX_NESTING,
};

const LIBRARY_OPTIONS: sanitizeHtml.IOptions = { ...OPTIONS, allowedClasses: { ...OPTIONS.allowedClasses, span: ['mx-inline-image'] } };

/** The same for HTML we send: images keep the spec's `src="mxc://…"` (nothing loads it here). */
const OUTGOING_OPTIONS: sanitizeHtml.IOptions = {
  ...LIBRARY_OPTIONS,
  allowedAttributes: { ...OPTIONS.allowedAttributes, img: ['width', 'height', 'alt', 'title', 'src', 'data-mx-emoticon'] },
  transformTags: { ...OPTIONS.transformTags, img: (_tagName, attribs) => inlineImage(attribs, 'src') },
};

/** Network HTML for the renderer (stored as local_content.sanitized_html). */
export function sanitizeMatrixHtml(html: string): string {
  // The fast path or the library, and either way the link and nesting policy checked on the result.
  return enforcePolicy(sanitizeCommonHtml(html) ?? sanitizeWithLibrary(html), html);
}

/**
 * HTML we are about to send (rendered markdown, /html): the same allow-list, but an image keeps its mxc:// `src`
 * as the spec writes it, so other clients show it.
 */
export function sanitizeOutgoingHtml(html: string): string {
  return enforcePolicy(sanitizeCommonHtml(html) ?? sanitizeHtml(html, OUTGOING_OPTIONS), html, OUTGOING_OPTIONS);
}

/** The full sanitizer: any input. */
export function sanitizeWithLibrary(html: string): string {
  return sanitizeHtml(html, LIBRARY_OPTIONS);
}

// --- Inline images ----------------------------------------------------------------------------------------------
// Custom emoji (MSC2545: `<img data-mx-emoticon src="mxc://…" alt=":name:" height="32">`) and other inline
// pictures. Only an mxc:// URI the media route accepts is kept; anything else (http(s), data:, relative, a bad
// mxc) becomes its alt text, so no message can make the client fetch a URL of its choosing. The renderer gets the
// URI as `data-mxc`, never `src`: it builds the URL through the same authenticated media path as other media, and
// the browser loads nothing before that. In encrypted rooms too these are plain unencrypted mxc:// media (the spec
// gives an <img> no key), loaded as such.

/** The largest box a non-emoji inline image is shown in (CSS pixels), the size of an attachment's thumbnail. */
const IMAGE_MAX = { width: 320, height: 240 };

function inlineImage(attribs: sanitizeHtml.Attributes, srcAttr: 'data-mxc' | 'src'): sanitizeHtml.Tag {
  const alt = attribs.alt || attribs.title || 'image';
  const src = attribs.src ?? '';
  if (!src.startsWith('mxc://') || mxcToPath(src) === undefined) {
    return { tagName: 'span', attribs: { class: 'mx-inline-image' }, text: alt };
  }
  const emoticon = 'data-mx-emoticon' in attribs;
  // An emoji's tooltip is its name (":party:"), as in Element; a picture's only a title it was given.
  const title = attribs.title || (emoticon ? alt : '');
  return {
    tagName: 'img',
    attribs: {
      [srcAttr]: src, alt, ...(title ? { title } : {}), ...imageSize(attribs.width, attribs.height),
      ...(emoticon ? { 'data-mx-emoticon': '' } : {}),
    },
  };
}

/** Whole-pixel width/height, each only if given, scaled down together (keeping the aspect) into IMAGE_MAX. */
export function imageSize(width: string | undefined, height: string | undefined): { width?: string; height?: string } {
  const w = pixels(width);
  const h = pixels(height);
  const scale = Math.min(1, w ? IMAGE_MAX.width / w : 1, h ? IMAGE_MAX.height / h : 1);
  return {
    ...(w ? { width: String(Math.max(1, Math.round(w * scale))) } : {}),
    ...(h ? { height: String(Math.max(1, Math.round(h * scale))) } : {}),
  };
}

function pixels(value: string | undefined): number | undefined {
  const n = value !== undefined && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : 0;
  return n > 0 ? n : undefined;
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
export function enforcePolicy(out: string, input: string, options: sanitizeHtml.IOptions = LIBRARY_OPTIONS): string {
  if (meetsPolicy(out)) return out;
  const again = sanitizeHtml(input, options);
  return meetsPolicy(again) ? again : sanitizeHtml(input, { allowedTags: [], allowedAttributes: {} });
}

const OUTPUT_TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const VOID_OUTPUT_TAGS = new Set(['br', 'hr', 'img']);
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const OUTPUT_ENTITY = /&(?:amp|lt|gt|quot|#39);/g;
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
    // Most tags have no attributes. HREF is run by hand rather than through matchAll, which copies the expression
    // for every call (every tag of every message at ingest).
    if (attrs !== '') {
      HREF.lastIndex = 0;
      for (let h = HREF.exec(attrs); h; h = HREF.exec(attrs)) {
        const raw = h[1] ?? h[2] ?? h[3];
        // Only the escapes the sanitizers write are expected; any other entity could spell a scheme's characters.
        let decoded = raw;
        if (raw.includes('&')) {
          if (raw.replace(OUTPUT_ENTITY, '').includes('&')) return false;
          decoded = raw.replace(OUTPUT_ENTITY, (e) => OUTPUT_ENTITIES[e] ?? e);
        }
        if (!isAllowedLink(decoded)) return false;
      }
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
