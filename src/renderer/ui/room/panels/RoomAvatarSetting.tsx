/**
 * The room's avatar: shown as the room list shows it, replaced by an image uploaded through the composer's upload
 * route (never encrypted: everyone who sees the room, members or not, must be able to load it) and then set as
 * m.room.avatar, or removed by an m.room.avatar without a url.
 */
import { useRef, useState } from 'react';
import type { JSONObject } from '../../../../shared/rpc/types.ts';
import { useSession } from '../../../api/hooks.ts';
import { uploadFile } from '../../../api/uploads.ts';
import { Avatar } from '../../common/Avatar.tsx';
import { ReadOnlyNote, Section, useSaver } from './settings-parts.tsx';

export function RoomAvatarSetting({ roomId, name, mxc, editable }: { roomId: string; name: string; mxc: string; editable: boolean }) {
  const session = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const { status, run } = useSaver('the avatar');

  const setAvatar = (content: JSONObject) =>
    session.client.request('set_state', { room_id: roomId, type: 'm.room.avatar', state_key: '', content });

  function upload(file: File | undefined): void {
    if (!file) return;
    if (!file.type.startsWith('image/')) {
      run(() => Promise.reject(new Error(`${file.name || 'The file'} is not an image.`)));
      return;
    }
    run(async () => {
      setProgress(0);
      try {
        const uploaded = await uploadFile(file, file.name || 'avatar', {
          encrypt: false, onProgress: (sent, total) => setProgress(total ? sent / total : 0),
        });
        if (!uploaded.url) throw new Error('The upload answered no address for the image.');
        await setAvatar({ url: uploaded.url, info: uploaded.info });
      } finally {
        setProgress(null);
      }
    });
  }

  return (
    <Section label="Avatar" status={status} testId="settings-avatar">
      <div className="settings-avatar-row">
        <span className="settings-avatar" data-testid="settings-avatar-image" data-mxc={mxc}>
          <Avatar id={roomId} name={name} mxc={mxc || undefined} size={64} />
        </span>
        {editable && (
          <div className="settings-column">
            <button type="button" data-testid="settings-avatar-upload" disabled={status.busy} onClick={() => input.current?.click()}>
              {mxc ? 'Change avatar' : 'Upload avatar'}
            </button>
            {mxc && (
              <button type="button" className="is-danger" data-testid="settings-avatar-remove" disabled={status.busy} onClick={() => run(() => setAvatar({}))}>
                Remove
              </button>
            )}
            {progress !== null && <progress className="settings-progress" max={1} value={progress} aria-label="Uploading the avatar" />}
          </div>
        )}
        <input ref={input} type="file" accept="image/*" hidden data-testid="settings-avatar-input"
          onChange={(e) => { upload(e.target.files?.[0]); e.target.value = ''; }} />
      </div>
      <ReadOnlyNote editable={editable} />
    </Section>
  );
}
