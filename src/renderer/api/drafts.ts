/**
 * Unsent composer text per room, kept in localStorage so a draft survives switching rooms and restarting the app.
 * Drafts stay on this device in the renderer's own storage; they are never sent to the backend.
 */
const PREFIX = 'lattice.draft.';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (e.g. a sandboxed page): drafts then live only as long as the composer
  }
}

export function loadDraft(roomId: string): string {
  return storage()?.getItem(PREFIX + roomId) ?? '';
}

export function saveDraft(roomId: string, text: string): void {
  const s = storage();
  if (!s) return;
  try {
    if (text.trim() === '') s.removeItem(PREFIX + roomId);
    else s.setItem(PREFIX + roomId, text);
  } catch {
    // Quota exceeded: the draft is still in the composer; nothing else to do.
  }
}
