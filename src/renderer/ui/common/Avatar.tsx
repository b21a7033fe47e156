import { memo, useState } from 'react';
import { avatarImageUrl } from './avatar-url.ts';
import { colorFor, initialsOf } from './format.ts';

interface AvatarProps {
  /** Room or user ID: picks the color, so it stays the same when the name changes. */
  id: string;
  name: string;
  mxc?: string | undefined;
  size?: number;
}

/**
 * URLs that failed to load, shared by all avatars: errors are not cached by the browser, so without this every
 * message of someone with a missing avatar would ask the backend (and the homeserver) again. Forgotten after a
 * while so a passing failure (homeserver down) does not leave initials for the rest of the session.
 */
const failedAt = new Map<string, number>();
const RETRY_AFTER_MS = 5 * 60_000;

function failedRecently(url: string): boolean {
  const at = failedAt.get(url);
  if (at === undefined) return false;
  if (Date.now() - at < RETRY_AFTER_MS) return true;
  failedAt.delete(url);
  return false;
}

export const Avatar = memo(function Avatar({ id, name, mxc, size = 36 }: AvatarProps) {
  const url = avatarImageUrl(mxc, size);
  // Which URL failed in this avatar, to re-render with initials (and to try again when the avatar changes).
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), backgroundColor: colorFor(id) };
  if (url && url !== failedUrl && !failedRecently(url)) {
    return (
      <img className="avatar" src={url} alt="" style={style} loading="lazy" decoding="async" draggable={false}
        onError={() => { failedAt.set(url, Date.now()); setFailedUrl(url); }} />
    );
  }
  return <span className="avatar" aria-hidden="true" style={style}>{initialsOf(name)}</span>;
});
