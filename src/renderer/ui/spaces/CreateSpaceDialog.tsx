/**
 * Creating a space, from the "+" at the end of the spaces bar as in Element: an optional picture, a name, an optional
 * topic, and public (anyone can find and join it, at an address made from the name until the person types their
 * own) or private (invite only). The new space's home opens; the spaces bar shows it once the sync brings it.
 */
import { useEffect, useRef, useState } from 'react';
import { useOwnUserId, useSession } from '../../api/hooks.ts';
import { aliasFromName, createSpace, serverOf } from '../../api/space-manage.ts';
import { Avatar } from '../common/Avatar.tsx';
import { AddressField, addressProblem, useNewAddressCheck } from '../dialogs/AddressField.tsx';
import { Dialog } from '../dialogs/Dialog.tsx';
import { hashForSpace } from '../route.ts';
import './space-home.css';

export function CreateSpaceDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const server = serverOf(useOwnUserId() ?? '') ?? '';
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPublic, setPublic] = useState(true);
  // The address follows the name until the person edits it.
  const [typedAlias, setTypedAlias] = useState<string | null>(null);
  const alias = typedAlias ?? aliasFromName(name);
  const [avatar, setAvatar] = useState<{ file: File; url: string } | null>(null);
  const [avatarProblem, setAvatarProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => () => { if (avatar) URL.revokeObjectURL(avatar.url); }, [avatar]);

  function choose(file: File | undefined): void {
    if (!file) return;
    if (!file.type.startsWith('image/')) { setAvatarProblem(`${file.name || 'The file'} is not an image.`); return; }
    setAvatarProblem(null);
    setAvatar({ file, url: URL.createObjectURL(file) });
  }

  const aliasProblem = isPublic ? addressProblem(alias, 'space') : null;
  const aliasCheck = useNewAddressCheck(isPublic, alias, server, aliasProblem);
  return (
    <Dialog title="Create a space" submitLabel="Create" testId="create-space-dialog" onClose={onClose}
      canSubmit={name.trim() !== '' && aliasProblem === null && aliasCheck.state !== 'taken'}
      onSubmit={async () => {
        const id = await createSpace(session, { name, topic, isPublic, alias }, avatar?.file);
        window.location.hash = hashForSpace(id);
      }}>
      <p>A space groups rooms and people. Add rooms to it once it is made.</p>
      <div className="create-space-top">
        <button type="button" className="create-space-avatar" data-testid="create-space-avatar" onClick={() => input.current?.click()}
          aria-label={avatar ? 'Change the picture' : 'Add a picture'} title={avatar ? 'Change the picture' : 'Add a picture (optional)'}>
          {/* The chosen file itself (a blob: URL), not yet uploaded: Avatar shows only uploaded (mxc) pictures. */}
          {avatar ? <img className="avatar" src={avatar.url} alt="" width={56} height={56} data-testid="create-space-avatar-preview" />
            : <Avatar id="new-space" name={name.trim() || 'Space'} size={56} />}
          <span className="create-space-avatar-badge" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round"><path d="M12 5v14M5 12h14" /></svg>
          </span>
        </button>
        <label className="dialog-field">Name<input data-testid="create-space-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus /></label>
        <input ref={input} type="file" accept="image/*" hidden data-testid="create-space-avatar-input"
          onChange={(e) => { choose(e.target.files?.[0]); e.target.value = ''; }} />
      </div>
      {avatar && (
        <p className="create-space-avatar-note">
          {avatar.file.name || 'A picture'} will be the space's picture.{' '}
          <button type="button" className="link-button" data-testid="create-space-avatar-remove" onClick={() => setAvatar(null)}>Remove it</button>
        </p>
      )}
      {avatarProblem && <p className="dialog-field-problem" role="alert">{avatarProblem}</p>}
      <label className="dialog-field">Description (optional)
        <textarea data-testid="create-space-topic" value={topic} rows={2} onChange={(e) => setTopic(e.target.value)} />
      </label>
      <fieldset className="dialog-choices">
        <legend>Who can join</legend>
        <label className="dialog-check">
          <input type="radio" name="create-space-access" data-testid="create-space-public" checked={isPublic} onChange={() => setPublic(true)} />
          Public: anyone can find and join it
        </label>
        <label className="dialog-check">
          <input type="radio" name="create-space-access" data-testid="create-space-private" checked={!isPublic} onChange={() => setPublic(false)} />
          Private: only people invited
        </label>
      </fieldset>
      {isPublic && <AddressField testId="create-space-alias" value={alias} server={server} problem={aliasProblem} check={aliasCheck} onChange={setTypedAlias} />}
    </Dialog>
  );
}
