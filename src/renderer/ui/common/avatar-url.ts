/**
 * The seam for avatar images. There is no media fetching yet, so every avatar falls back to initials. When the
 * backend serves media (e.g. a `lattice://media/...` URL on desktop, `/_gomuks/media/...` on the web host), make
 * this return that URL for an mxc:// URI; the CSP already allows `img-src 'self' data: blob: lattice:`.
 */
export function avatarImageUrl(_mxc: string | undefined): string | undefined {
  return undefined;
}
