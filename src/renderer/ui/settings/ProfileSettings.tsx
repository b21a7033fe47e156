/**
 * The Profile tab: our avatar (upload a picture, or remove it), display name and user ID, then the account's
 * password and deactivation (AccountManagement.tsx). The name and avatar come from client_state, which the backend
 * updates after each change.
 */
import { useRef, useState } from 'react';
import { removeAvatar, setAvatar, setDisplayName } from '../../api/account-settings.ts';
import { useClientState, useSession, useStoreSelector } from '../../api/hooks.ts';
import { selectOwnAvatar, selectOwnDisplayName } from '../../api/selectors.ts';
import { Avatar } from '../common/Avatar.tsx';
import { AccountManagement } from './AccountManagement.tsx';
import { ErrorLine, useAction } from './controls.tsx';

export function ProfileSettings() {
  const session = useSession();
  const state = useClientState();
  // From client_state once the backend has the profile, from our member events until then (see the selectors).
  const name = useStoreSelector(selectOwnDisplayName) ?? '';
  const avatar = useStoreSelector(selectOwnAvatar);
  const userId = state?.user_id ?? '';
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const nameAction = useAction();
  const avatarAction = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const value = draft ?? name;

  async function saveName(): Promise<void> {
    setSaved(false);
    if (await nameAction.run(() => setDisplayName(session, value))) {
      setDraft(null);
      setSaved(true);
    }
  }

  async function upload(file: File): Promise<void> {
    setProgress(0);
    await avatarAction.run(async () => { await setAvatar(session, file, setProgress); });
    setProgress(null);
  }

  return (
    <>
      <h3>Profile</h3>
      <p className="settings-intro">Your name and picture are public: everyone in your rooms sees them.</p>
      <div className="settings-profile">
        <div className="settings-avatar-column">
          <Avatar id={userId} name={value || userId} mxc={avatar} size={88} />
          <input ref={fileInput} type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden data-testid="profile-avatar-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void upload(file);
            }} />
          <button type="button" className="settings-button" disabled={avatarAction.busy} data-testid="profile-avatar-upload"
            onClick={() => fileInput.current?.click()}>
            {progress !== null ? `Uploading… ${Math.round(progress * 100)}%` : 'Upload picture'}
          </button>
          {avatar && (
            <button type="button" className="settings-button is-quiet" disabled={avatarAction.busy} data-testid="profile-avatar-remove"
              onClick={() => void avatarAction.run(() => removeAvatar(session))}>
              Remove
            </button>
          )}
        </div>
        <div className="settings-profile-fields">
          <form className="settings-field" onSubmit={(e) => { e.preventDefault(); void saveName(); }}>
            <label htmlFor="settings-displayname">Display name</label>
            <div className="settings-inline">
              <input id="settings-displayname" className="settings-textbox" value={value} maxLength={256} autoComplete="nickname"
                data-testid="profile-displayname" onChange={(e) => { setDraft(e.target.value); setSaved(false); }} />
              <button type="submit" className="settings-button is-primary" data-testid="profile-displayname-save"
                disabled={nameAction.busy || draft === null || draft.trim() === name}>
                {nameAction.busy ? 'Saving…' : 'Save'}
              </button>
            </div>
            {saved && <span className="settings-ok" role="status" data-testid="profile-saved">Saved.</span>}
          </form>
          <div className="settings-field">
            <span className="settings-label">User ID</span>
            <code className="settings-code" data-testid="profile-userid">{userId}</code>
          </div>
          <div className="settings-field">
            <span className="settings-label">Homeserver</span>
            <code className="settings-code">{state?.homeserver_url ?? ''}</code>
          </div>
        </div>
      </div>
      <ErrorLine error={nameAction.error ?? avatarAction.error} testId="profile-error" />
      <AccountManagement />
    </>
  );
}
