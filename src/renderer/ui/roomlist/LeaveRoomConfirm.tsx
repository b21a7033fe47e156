/**
 * Asks before leaving a room from the room list's menu (leaving a private room cannot be undone without a new
 * invite). A native modal <dialog>: focus stays inside, Esc cancels; a refusal stays in the dialog in words.
 */
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { roomIdFromHash } from '../route.ts';

/** The room pane closes when it showed the room just left (rather than offering to join it again). */
function closeIfShown(roomId: string): void {
  if (roomIdFromHash(window.location.hash) === roomId) window.location.hash = '';
}

export function LeaveRoomConfirm({ roomId, roomName, onClose }: { roomId: string; roomName: string; onClose: () => void }) {
  const session = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
  }, []);

  async function leave(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await session.client.request('leave_room', { room_id: roomId });
      closeIfShown(roomId);
      onClose();
    } catch (err) {
      setError(`Could not leave: ${errorMessage(err)}`);
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className="leave-confirm" data-testid="leave-room-dialog" aria-labelledby="leave-confirm-title" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void leave(); }}>
        <h2 id="leave-confirm-title" className="leave-confirm-title">Leave {roomName}?</h2>
        <p className="leave-confirm-text">You will stop receiving its messages. A private room needs a new invite to come back.</p>
        {error && <p className="leave-confirm-error" role="alert">{error}</p>}
        <div className="leave-confirm-buttons">
          <button type="button" className="leave-confirm-button" onClick={onClose}>Cancel</button>
          <button type="submit" className="leave-confirm-button is-danger" data-testid="dialog-submit" disabled={busy}>
            {busy ? 'Leaving…' : 'Leave'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
