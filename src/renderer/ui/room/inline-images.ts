/**
 * Inline images in a message's HTML: custom emoji (MSC2545 `data-mx-emoticon`) and pictures. The backend's
 * sanitizer kept only valid mxc:// sources, as `data-mxc` (never `src`, so the browser loads nothing by itself);
 * here each gets its URL from the same authenticated media path as avatars and attachments. An image that fails to
 * load, or whose URI the media path refuses, is replaced by its alt text, as the brief forms (html-text.ts) show it.
 * These are unencrypted media even in an encrypted room: the spec gives an <img> no key.
 */
import { mediaUrl } from '../common/avatar-url.ts';
import type { MediaView } from './event-view.ts';

const EMOTICON = /<img\b[^>]*\sdata-mx-emoticon\b[^>]*>/gi;
const HAS_EMOTICON = /<img\b[^>]*\sdata-mx-emoticon\b/i;

/**
 * True when the message is only custom emoji (and spaces or line breaks), which is shown larger, as Element shows
 * emoji-only messages. The input is sanitized HTML: every `<` in text is escaped, so tags are found reliably.
 */
export function isEmoticonOnly(html: string): boolean {
  if (!HAS_EMOTICON.test(html)) return false;
  const rest = html.replace(EMOTICON, '').replace(/<\/?(?:p|br|span|div)\b[^>]*>/gi, '').replace(/&nbsp;|&#160;/gi, ' ');
  return rest.trim() === '';
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
    // The whole image, not a thumbnail: emoji are small and may be animated, and the hosts' thumbnails are crops,
    // which a homeserver without dynamic thumbnails (Synapse's default) only has in square sizes, cutting a picture.
    // The sanitizer's width/height (already clamped) and the CSS size it.
    const src = mediaUrl(img.dataset.mxc);
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
