/**
 * Which key sends a message from a composer, and what its hint line says: Enter (Shift+Enter for a new line), or,
 * with the device's "Send with Ctrl+Enter" preference, Ctrl+Enter (⌘+Enter on a Mac) while Enter starts a new line,
 * as Element's option does for people who write long messages. Pure, so it is unit-tested under Node.
 */

export interface SendKeyEvent {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}

/** True when this key press sends; anything else keeps the textarea's own behaviour (Enter: a new line). */
export function isSendKey(ev: SendKeyEvent, ctrlEnterSends: boolean): boolean {
  if (ev.key !== 'Enter' || ev.shiftKey || ev.altKey) return false;
  const modified = ev.ctrlKey || ev.metaKey;
  return ctrlEnterSends ? modified : !modified;
}

/** The start of a composer's hint line: how to send, and how to start a new line. */
export function sendKeysHint(ctrlEnterSends: boolean): string {
  return ctrlEnterSends ? 'Ctrl+Enter to send · Enter for a new line' : 'Enter to send · Shift+Enter for a new line';
}

/** The key that sends, for hints that only name it ("… to send · Esc to cancel"). */
export function sendKeyName(ctrlEnterSends: boolean): string {
  return ctrlEnterSends ? 'Ctrl+Enter' : 'Enter';
}
