/**
 * Calendar days as people write them, for jumping to a date: `YYYY-MM-DD` (what `<input type=date>` gives and
 * /jumptodate takes) read as the local midnight that starts the day, and a day in words for sentences. Local is the
 * renderer's time zone in the UI, the backend's for a frontend that leaves /jumptodate to the backend.
 */

/**
 * A day written as `YYYY-MM-DD` (what `<input type=date>` gives and /jumptodate takes): the local midnight that
 * starts it, or null for anything else, a day that does not exist (2026-02-30) included.
 */
export function parseDay(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const day = new Date(y, mo, d);
  day.setFullYear(y); // years before 100 are not 19xx
  return day.getFullYear() === y && day.getMonth() === mo && day.getDate() === d ? day.getTime() : null;
}

/** A day in words for sentences ("3 March 2026", as the locale writes it). */
export function dayInWords(ts: number): string {
  return new Date(ts).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
}

