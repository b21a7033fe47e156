/**
 * A message's sanitized HTML, made interactive after render: spoilers (`data-mx-spoiler`) reveal on click or
 * Enter, and code blocks get syntax highlighting from a lazily loaded module. The HTML was sanitized by the
 * backend at ingest with the spec's allow-list; nothing here adds markup of its own beyond highlight spans.
 */
import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import './media.css';

function spoilerOf(target: EventTarget): HTMLElement | null {
  const el = target instanceof Element ? target.closest<HTMLElement>('span[data-mx-spoiler]') : null;
  return el && !el.classList.contains('is-revealed') ? el : null;
}

export function RichHtml({ html }: { html: string }) {
  const ref = useRef<HTMLDivElement>(null);

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
    if (!root.querySelector('pre > code')) return;
    let live = true;
    void import('./code-highlight.ts').then((m) => { if (live && ref.current) m.highlightCode(ref.current); });
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
    const s = spoilerOf(e.target);
    if (!s) return;
    // A link inside a hidden spoiler must not open on the click that reveals it.
    e.preventDefault();
    e.stopPropagation();
    reveal(s);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const s = spoilerOf(e.target);
    if (!s) return;
    e.preventDefault();
    reveal(s);
  }

  return (
    <div ref={ref} className="message-html" onClick={onClick} onKeyDown={onKeyDown} dangerouslySetInnerHTML={{ __html: html }} />
  );
}
