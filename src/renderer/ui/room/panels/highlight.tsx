/**
 * Marks the searched words in a result's text, as search_local matches them: each word, or a word starting so.
 * Plain text only: the pieces become React text nodes, never HTML.
 */
import type { ReactNode } from 'react';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function highlightWords(text: string, query: string): ReactNode[] {
  const words = query.split(/\s+/).map((w) => w.replace(/\*+$/, '')).filter((w) => w !== '');
  if (words.length === 0) return [text];
  const re = new RegExp(`(${words.map(escapeRegExp).join('|')})`, 'giu');
  return text.split(re).map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
}
