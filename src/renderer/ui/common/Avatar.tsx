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
  const url = avatarImageUrl(mxc);
  const [broken, setBroken] = useState(false);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), backgroundColor: colorFor(id) };
  if (url && !broken) {
    return <img className="avatar" src={url} alt="" style={style} onError={() => setBroken(true)} draggable={false} />;
  }
  return <span className="avatar" aria-hidden="true" style={style}>{initialsOf(name)}</span>;
});
