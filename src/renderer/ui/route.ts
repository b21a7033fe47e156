/**
 * The open room lives in the URL fragment (`#/room/!id:server`), so a reload keeps it and tests can deep-link.
 * A fragment works the same under `lattice://app/` and over http.
 */
export function roomIdFromHash(hash: string): string | null {
  const m = /^#\/room\/(.+)$/.exec(hash);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]);
    return id.startsWith('!') ? id : null;
  } catch {
    return null;
  }
}

export function hashForRoom(roomId: string): string {
  return `#/room/${encodeURIComponent(roomId)}`;
}
