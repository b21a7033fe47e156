/**
 * Inline images in a message's HTML: custom emoji (MSC2545 `data-mx-emoticon`) and pictures. The backend's
 * sanitizer kept only valid mxc:// sources, as `data-mxc` (never `src`, so the browser loads nothing by itself);
 * here each gets its URL from the same authenticated media path as avatars and attachments. An image that fails to
 * load, or whose URI the media path refuses, is replaced by its alt text, as the brief forms (html-text.ts) show it.
 * These are unencrypted media even in an encrypted room: the spec gives an <img> no key.
 */
import { mediaUrl } from '../common/avatar-url.ts';
import { isEmojiOnlyText } from './emoji-only.ts';
import type { MediaView } from './event-view.ts';

/** The box the sanitizer clamps inline pictures into (sanitize.ts IMAGE_MAX): their thumbnail is asked for it. */
const INLINE_IMAGE_MAX = { width: 320, height: 240 };

const EMOTICON = /<img\b[^>]*\sdata-mx-emoticon\b[^>]*>/gi;
const HAS_EMOTICON = /<img\b[^>]*\sdata-mx-emoticon\b/i;

/**
 * True when the message is only emoji: custom ones (MSC2545 `data-mx-emoticon`), Unicode ones, or both, with spaces
 * or line breaks between (emoji-only.ts). The input is sanitized HTML: every `<` in text is escaped, so tags are found
 * reliably, and any tag but a paragraph, line break or span (a link, bold text) makes it more than emoji.
 */
export function isEmojiOnlyHtml(html: string): boolean {
  const rest = html.replace(EMOTICON, '').replace(/<\/?(?:p|br|span|div)\b[^>]*>/gi, '').replace(/&nbsp;|&#160;/gi, ' ');
  if (rest.trim() === '') return HAS_EMOTICON.test(html);
  return isEmojiOnlyText(rest);
}

function dimension(img: HTMLImageElement, name: 'width' | 'height'): number | undefined {
  const n = Number(img.getAttribute(name));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function altText(img: HTMLImageElement): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'mx-inline-image';
  span.textContent = img.alt || 'image';
  return span;
}

/** What the lightbox shows for an inline picture (null for emoji and for pictures inside a link, which opens). */
export function inlineImageMedia(img: HTMLImageElement): MediaView | null {
  const mxc = img.dataset.mxc;
  if (!mxc || img.hasAttribute('data-mx-emoticon') || img.closest('a')) return null;
  return {
    kind: 'image', mxc, thumbnailMxc: undefined, name: img.alt, mimetype: undefined, size: undefined,
    width: dimension(img, 'width'), height: dimension(img, 'height'), encrypted: false,
  };
}

/** Gives every not yet loaded inline image under `root` its URL, and a picture that opens the lightbox its role. */
export function loadInlineImages(root: HTMLElement, openable: boolean): void {
  for (const img of root.querySelectorAll<HTMLImageElement>('img[data-mxc]:not([src])')) {
    // An emoji whole (small, and may be animated); a picture as a thumbnail fitted inside the box the sanitizer
    // clamped it into (its aspect kept, `method=scale`), so a photo of many megabytes is not loaded for 320 pixels.
    // The lightbox loads the whole picture when opened.
    const src = img.hasAttribute('data-mx-emoticon')
      ? mediaUrl(img.dataset.mxc)
      : mediaUrl(img.dataset.mxc, { cssW: INLINE_IMAGE_MAX.width, cssH: INLINE_IMAGE_MAX.height, scale: true });
    if (!src) {
      img.replaceWith(altText(img));
      continue;
    }
    img.addEventListener('error', () => img.replaceWith(altText(img)), { once: true });
    img.loading = 'lazy';
    img.decoding = 'async';
    img.draggable = false;
    if (openable && inlineImageMedia(img)) {
      img.tabIndex = 0;
      img.setAttribute('role', 'button');
      img.setAttribute('aria-label', `Open image ${img.alt}`);
      img.classList.add('is-openable');
    }
    img.src = src;
  }
}
