/** Escaping text for HTML, shared by the backend (outgoing formatted bodies) and the renderer (the chat export). */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe as an HTML element's content or a quoted attribute's value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
