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

export const Avatar = memo(function Avatar({ id, name, mxc, size = 36 }: AvatarProps) {
  const url = avatarImageUrl(mxc, size);
  // Remembers which URL failed, so a new avatar gets its chance instead of staying on initials.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), backgroundColor: colorFor(id) };
  if (url && url !== failedUrl) {
    return (
      <img className="avatar" src={url} alt="" style={style} loading="lazy" decoding="async" draggable={false}
        onError={() => setFailedUrl(url)} />
    );
  }
  return <span className="avatar" aria-hidden="true" style={style}>{initialsOf(name)}</span>;
});
