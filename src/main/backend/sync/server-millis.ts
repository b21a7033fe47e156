/**
 * A time in milliseconds from the server (an event's origin_server_ts, a receipt's ts) as the store's INTEGER
 * columns take it. JSON has one number type, so a broken server or bridge can send 1.5, 1e308 or a value JSON.parse
 * made Infinity; SQLite refuses a fraction or a number past 2^53 in an INTEGER column of a STRICT table, and that
 * one refused insert rolled back the whole sync response, which the sync loop then fetched and failed on forever.
 */

/** A whole number of milliseconds, or undefined when `value` is not a finite number within the safe integers. */
export function serverMillis(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const ms = Math.round(value);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
