/**
 * Pinned messages: the room's m.room.pinned_events, newest pin first, each fetched with get_event (from the
 * database, else the homeserver), and an edited one's latest edit with get_event_by_rowid (the backend names it in
 * last_edit_rowid), so each shows its current text. Clicking one jumps to it; Unpin is offered with the power to
 * change the pins.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { Event } from '../../../../shared/rpc/types.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession } from '../../../api/hooks.ts';
import { canSendState, pinnedEventIds, togglePin } from '../../../api/room-state.ts';
import { displayNameOf } from '../../../api/selectors.ts';
import type { Session } from '../../../api/session.ts';
import { MessageResult } from './MessageResult.tsx';
import { SidePanel } from './SidePanel.tsx';

const NO_EDITS: ReadonlyMap<number, Event> = new Map();

type Loaded = { event: Event; edit?: Event } | { error: string };

export function PinnedPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const names = useMemberNames(roomId);
  const ids = pinnedEventIds(room);
  const key = ids.join(' ');
  const mayPin = canSendState(room, own, 'm.room.pinned_events');
  const [loaded, setLoaded] = useState<ReadonlyMap<string, Loaded>>(new Map());
  const [error, setError] = useState<string | null>(null);

  // Fetch what is pinned and not yet fetched; the list follows the state event as it changes.
  useEffect(() => {
    let live = true;
    for (const id of key === '' ? [] : key.split(' ')) {
      if (loaded.has(id)) continue;
      session.client.request('get_event', { room_id: roomId, event_id: id }).then(
        (event) => withLatestEdit(session, event), (err: unknown) => ({ error: errorMessage(err) }),
      ).then((result: Loaded) => { if (live) setLoaded((m) => new Map(m).set(id, result)); }, () => undefined);
    }
    return () => { live = false; };
  }, [key, loaded, roomId, session]);

  function unpin(eventId: string): void {
    setError(null);
    session.client.request('set_state', { room_id: roomId, type: 'm.room.pinned_events', state_key: '', content: togglePin(ids, eventId) })
      .catch((err: unknown) => setError(`Could not unpin: ${errorMessage(err)}`));
  }

  return (
    <SidePanel title="Pinned messages" testId="pinned-panel" onClose={onClose}>
      {error && <p className="settings-error" role="alert">{error}</p>}
      {ids.length === 0 ? (
        <p className="settings-note" data-testid="pinned-empty">No pinned messages. Pin one from its toolbar.</p>
      ) : (
        <ul className="panel-results" aria-label="Pinned messages">
          {[...ids].reverse().map((id) => {
            const item = loaded.get(id);
            return (
              <li key={id} className="pinned-item">
                {item === undefined ? <p className="settings-note">Loading…</p>
                  : 'error' in item ? <p className="settings-error">This message could not be shown: {item.error}</p>
                    : (
                      <MessageResult event={item.event} edits={item.edit ? new Map([[item.edit.rowid, item.edit]]) : NO_EDITS}
                        sender={displayNameOf(names, item.event.sender)} testId="pinned-message" />
                    )}
                {mayPin && <button type="button" className="pinned-unpin" data-testid="pinned-unpin" onClick={() => unpin(id)}>Unpin</button>}
              </li>
            );
          })}
        </ul>
      )}
    </SidePanel>
  );
}

/**
 * A pinned message with its latest edit, when it has one. The edit could not be read (forgotten meanwhile): the
 * message shows as first sent rather than not at all.
 */
async function withLatestEdit(session: Session, event: Event): Promise<Loaded> {
  if (event.last_edit_rowid === undefined) return { event };
  const edit = await session.client.request('get_event_by_rowid', { event_rowid: event.last_edit_rowid }).catch(() => undefined);
  return edit ? { event, edit } : { event };
}
