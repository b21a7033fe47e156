/**
 * Fuzzy matching for the room switcher: the query's characters must appear in order; matches at word starts and
 * in a row score higher, so "dt" finds "Design Team" before "Add tests". Pure, unit-tested.
 */

/** A score (higher is better), or null when `query` does not match `text`. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return 0;
  const t = text.toLocaleLowerCase();
  let score = 0;
  let ti = 0;
  let prev = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const at = t.indexOf(ch, ti);
    if (at < 0) return null;
    const wordStart = at === 0 || /[\s\-_#@:.!]/.test(t[at - 1]);
    score += 1 + (wordStart ? 8 : 0) + (at === prev + 1 ? 5 : 0) - Math.min(3, (at - ti) * 0.1);
    prev = at;
    ti = at + 1;
  }
  if (t.startsWith(q)) score += 20;
  return score;
}

/** The best `limit` items for `query`, best first; ties keep the input order (the room list's recency). */
export function fuzzyFilter<T>(items: readonly T[], query: string, textOf: (item: T) => string, limit = 20): T[] {
  const scored: { item: T; score: number; i: number }[] = [];
  items.forEach((item, i) => {
    const score = fuzzyScore(query, textOf(item));
    if (score !== null) scored.push({ item, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.item);
}
