/** The one way to put a caught value into words: an Error's message, or the value itself as a string. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
