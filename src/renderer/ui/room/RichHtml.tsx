/**
 * A message's sanitized HTML, made interactive after render: spoilers (`data-mx-spoiler`) reveal on click or
 * Enter, code blocks get syntax highlighting from a lazily loaded module and a Copy button (as in Element), maths
 * (`data-mx-maths`) is typeset by another (math-render.ts), and
 * inline images (custom emoji, pictures) load through the media path, a picture opening the lightbox. The HTML was
 * sanitized by the backend at ingest with the spec's allow-list; nothing here adds markup of its own beyond
 * highlight spans, KaTeX's MathML, the copy buttons with their wrappers and an image's alt text when it cannot load.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { MediaView } from './event-view.ts';
import { inlineImageMedia, isEmojiOnlyHtml, loadInlineImages } from './inline-images.ts';
import './media.css';

function spoilerOf(target: EventTarget): HTMLElement | null {
  const el = target instanceof Element ? target.closest<HTMLElement>('span[data-mx-spoiler]') : null;
  return el && !el.classList.contains('is-revealed') ? el : null;
}

function openableImageOf(target: EventTarget): MediaView | null {
  const img = target instanceof HTMLImageElement && target.classList.contains('is-openable') ? target : null;
  return img && inlineImageMedia(img);
}

export function RichHtml({ html, onOpenImage }: { html: string; onOpenImage?: (media: MediaView) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const emojiOnly = useMemo(() => isEmojiOnlyHtml(html), [html]);
  const openable = onOpenImage !== undefined;

  // Before paint, so an image's box (sized by its attributes) is never shown empty for a frame.
  useLayoutEffect(() => {
    if (ref.current) loadInlineImages(ref.current, openable);
  }, [html, openable]);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    for (const s of root.querySelectorAll<HTMLElement>('span[data-mx-spoiler]:not(.is-revealed)')) {
      const reason = s.dataset.mxSpoiler;
      s.tabIndex = 0;
      s.setAttribute('role', 'button');
      s.setAttribute('aria-label', reason ? `Spoiler: ${reason}. Reveal` : 'Spoiler. Reveal');
      s.title = reason ? `Spoiler (${reason}): click to reveal` : 'Spoiler: click to reveal';
    }
    addCopyButtons(root);
    let live = true;
    if (root.querySelector('pre > code')) void import('./code-highlight.ts').then((m) => { if (live && ref.current) m.highlightCode(ref.current); });
    if (root.querySelector('[data-mx-maths]')) void import('./math-render.ts').then((m) => { if (live && ref.current) m.renderMaths(ref.current); });
    return () => { live = false; };
  }, [html]);

  function reveal(el: HTMLElement): void {
    el.classList.add('is-revealed');
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
    el.removeAttribute('title');
    el.removeAttribute('tabindex');
  }

  function onClick(e: MouseEvent<HTMLDivElement>): void {
    const copy = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button.code-copy') : null;
    if (copy) {
      copyCode(copy);
      return;
    }
    const s = spoilerOf(e.target);
    if (s) {
      // A link inside a hidden spoiler must not open on the click that reveals it.
      e.preventDefault();
      e.stopPropagation();
      reveal(s);
      return;
    }
    openImage(e);
  }

  function openImage(e: MouseEvent | KeyboardEvent): void {
    const media = openableImageOf(e.target);
    if (!media || !onOpenImage) return;
    e.preventDefault();
    onOpenImage(media);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const s = spoilerOf(e.target);
    if (!s) {
      openImage(e);
      return;
    }
    e.preventDefault();
    reveal(s);
  }

  return (
    <div ref={ref} className={`message-html${emojiOnly ? ' is-emoji-only' : ''}`} onClick={onClick} onKeyDown={onKeyDown} dangerouslySetInnerHTML={{ __html: html }} />
  );
}

/** Wraps each code block with a Copy button in its corner (outside the block, so it stays put when the code scrolls). */
function addCopyButtons(root: HTMLElement): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>('pre')) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'code-block';
    pre.replaceWith(wrap);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'code-copy';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code');
    wrap.append(pre, button);
  }
}

function copyCode(button: HTMLButtonElement): void {
  const text = button.parentElement?.querySelector('pre')?.textContent ?? '';
  const say = (word: string) => {
    button.textContent = word;
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  };
  navigator.clipboard.writeText(text).then(() => say('Copied'), () => say('Could not copy'));
}
