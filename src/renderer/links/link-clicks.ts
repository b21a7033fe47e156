/**
 * Picks matrix: and matrix.to links out of clicks anywhere in the page (message HTML, topics, previews), so they
 * route inside Lattice instead of opening the browser. One capturing listener on the document, so no component that
 * renders a link has to know about routing. Other links are left alone (the shell opens them in the browser).
 */
import { parseMatrixLink, type MatrixLink } from '../../shared/matrix-uri.ts';

/** The link an anchor's href names, or null when it is not a matrix link we can parse. */
export function matrixLinkOfHref(href: string | null): MatrixLink | null {
  if (!href) return null;
  const parsed = parseMatrixLink(href);
  return parsed.ok ? parsed.link : null;
}

/** Installs the listener; returns a function that removes it. */
export function interceptMatrixLinkClicks(doc: Document, onLink: (link: MatrixLink) => void): () => void {
  const onClick = (ev: MouseEvent): void => {
    // Plain left clicks only: a modified click means "somewhere else" to the user and is not ours to take.
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const target = ev.target;
    if (!(target instanceof Element)) return;
    const anchor = target.closest('a[href]');
    const link = matrixLinkOfHref(anchor?.getAttribute('href') ?? null);
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    onLink(link);
  };
  doc.addEventListener('click', onClick, true);
  return () => doc.removeEventListener('click', onClick, true);
}
