/**
 * The open room lives in the URL fragment (`#/room/!id:server`), so a reload keeps it and tests can deep-link.
 * A fragment works the same under `lattice://app/` and over http. A room we are not in is opened the same way, by
 * ID or by address (`#/room/%23alias:server`), with the servers to reach it through after `?via=` (its preview
 * needs them), e.g. `#/room/!id:server?via=example.org,other.org`. A space's home, which lists its rooms joined or
 * not, is `#/space/!id:server`.
 */
export function roomIdFromHash(hash: string): string | null {
  const m = /^#\/room\/([^?]+)(?:\?.*)?$/.exec(hash);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]);
    return id.startsWith('!') || id.startsWith('#') ? id : null;
  } catch {
    return null;
  }
}

/** The `via` servers of a room route; empty when it has none. */
export function viaFromHash(hash: string): string[] {
  const m = /^#\/room\/[^?]+\?(.*)$/.exec(hash);
  if (!m) return [];
  return new URLSearchParams(m[1]).getAll('via').flatMap((v) => v.split(',')).filter((v) => v !== '');
}

export function hashForRoom(roomIdOrAlias: string, via: readonly string[] = []): string {
  const query = via.length ? `?${via.map((v) => `via=${encodeURIComponent(v)}`).join('&')}` : '';
  return `#/room/${encodeURIComponent(roomIdOrAlias)}${query}`;
}

/** The space whose home a `#/space/<ID>` route shows; null for any other route. */
export function spaceIdFromHash(hash: string): string | null {
  const m = /^#\/space\/([^?]+)$/.exec(hash);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1]);
    return id.startsWith('!') ? id : null;
  } catch {
    return null;
  }
}

export function hashForSpace(spaceId: string): string {
  return `#/space/${encodeURIComponent(spaceId)}`;
}
