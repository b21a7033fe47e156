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
  allowedSchemes: ['https', 'http', 'ftp', 'mailto', 'magnet'],
  allowedSchemesByTag: { img: ['mxc'] },
  allowProtocolRelative: false,
  // The reply fallback duplicates the quoted message; clients that render replies drop it (spec: "rich replies").
  exclusiveFilter: (frame) => frame.tag === 'mx-reply',
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'mx-reply'],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    // Images are mxc:// URIs and media isn't served to the renderer yet: show their alt text, never a broken image.
    img: (_tagName, attribs) => ({ tagName: 'span', attribs: { class: 'mx-inline-image' }, text: attribs.alt || attribs.title || 'image' }),
  },
  allowedStyles: {},
};

export function sanitizeMatrixHtml(html: string): string {
  return sanitizeHtml(html, { ...OPTIONS, allowedClasses: { ...OPTIONS.allowedClasses, span: ['mx-inline-image'] } });
}

/** True when the HTML held an mx-reply fallback that sanitizing removed. */
export function hasReplyFallback(html: string): boolean {
  return /<mx-reply[\s>]/i.test(html);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
