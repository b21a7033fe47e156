/**
 * The small dialog a link to someone outside the room on screen opens: their ID, with a button to start a direct
 * chat (a member of that room opens in its user info panel instead).
 * Links to rooms open the room, or its preview in the room pane (ui/room/RoomPreview.tsx).
 *
 * A native modal <dialog>, so it opens above a modal dialog that had the link (the report dialog's contacts of
 * another server, ReportContacts.tsx), which waits under it as it was; closing it gives the focus back to the link.
 */
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import { useSession } from '../api/hooks.ts';
import { trapTab, useFocusReturn } from '../ui/common/focus-return.ts';
import type { LinkPromptAction } from './use-link-navigation.ts';
import '../ui/dialogs/dialogs.css';
import './links.css';

interface Props {
  action: LinkPromptAction;
  onOpenRoom: (roomId: string) => void;
  onClose: () => void;
}

export function LinkPrompt({ action, onOpenRoom, onClose }: Props) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  useFocusReturn();
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
  }, []);

  async function startChat(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const { room_id: roomId } = await session.client.request('create_room', {
        is_direct: true, invite: [action.userId], preset: 'trusted_private_chat',
      });
      onOpenRoom(roomId);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  const title = action.userId;
  const detail = action.own ? 'This is you.' : 'You have no direct chat with this user yet.';
  return (
    // A click on the dialog itself is one on its backdrop: its content fills it.
    <dialog ref={ref} className="link-prompt" aria-label={title} data-testid="link-prompt" onClose={onClose} onKeyDown={trapTab}
      onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="link-prompt-content">
        <h2 className="link-prompt-title">{title}</h2>
        <p className="link-prompt-detail">{detail}</p>
        {error && <p className="link-prompt-error" role="alert">{error}</p>}
        <div className="link-prompt-buttons">
          <button type="button" className="dialog-button" onClick={onClose}>Close</button>
          {!action.own && (
            <button type="button" className="dialog-button is-primary" disabled={busy} onClick={() => void startChat()}>
              {busy ? 'Working…' : 'Start a chat'}
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
