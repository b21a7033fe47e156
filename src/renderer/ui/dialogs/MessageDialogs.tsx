/**
 * The dialogs about one message, over the whole app (App renders MessageDialogLayer): *Forward…*, which lists the
 * rooms it can go to, filtered by name as one types, each with its own Send button that says how that send went
 * (as Element's forward dialog does: a message can go to several rooms, and one refusal does not stop the others),
 * and asks once more before an encrypted message goes to a room that is not encrypted (Element does not);
 * *View source*, the event as the server sent it, with its decrypted form apart; and *View edit history*
 * (EditHistoryDialog.tsx).
 */
import { useMemo, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  forwardedContent, forwardState, forwardTargets, forwardTo, leavesEncryption, type Forwarded, type ForwardState,
} from '../../api/forwarding.ts';
import { eventSource, setOpenMessageDialog, useOpenMessageDialog } from '../../api/message-dialogs.ts';
import { roomDisplayName } from '../../api/selectors.ts';
import { selectSpacesModel } from '../../api/spaces.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { Avatar } from '../common/Avatar.tsx';
import { fuzzyFilter } from '../switcher/fuzzy.ts';
import { Dialog } from './Dialog.tsx';
import { EditHistoryDialog } from './EditHistoryDialog.tsx';

export function MessageDialogLayer() {
  const dialog = useOpenMessageDialog();
  if (!dialog) return null;
  const close = () => setOpenMessageDialog(null);
  // Keyed by the message: opening another starts afresh.
  switch (dialog.kind) {
    case 'forward': return <ForwardDialog key={dialog.event.event_id} event={dialog.event} onClose={close} />;
    case 'source': return <SourceDialog key={dialog.event.event_id} event={dialog.event} onClose={close} />;
    case 'history': return <EditHistoryDialog key={dialog.event.event_id} event={dialog.event} onClose={close} />;
  }
}

/** A room's send, from the dialog's side: the request before the backend answered, or the copy's local echo. */
type Send = { state: 'asking' } | { state: 'refused'; error: string } | { state: 'queued'; echo: Event };

function ForwardDialog({ event, onClose }: { event: Event; onClose: () => void }) {
  const session = useSession();
  const own = useOwnUserId();
  // What goes is the message as it read when the dialog opened: an edit arriving meanwhile does not change it.
  const [forwarded] = useState<Forwarded | null>(() => forwardedContent(session.store.getSnapshot().rooms.get(event.room_id), event));
  // The rooms as they were when the dialog opened: a live list would reorder under the pointer as messages arrive.
  const [rooms] = useState(() => forwardTargets(selectSpacesModel(session.store.getSnapshot()).rooms, own, forwarded?.type ?? 'm.room.message'));
  const [query, setQuery] = useState('');
  const [sends, setSends] = useState<ReadonlyMap<string, Send>>(new Map());
  /** Unencrypted rooms the user was told about and still chose (leavesEncryption). */
  const [unencryptedOk, setUnencryptedOk] = useState<ReadonlySet<string>>(new Set());
  // The copies' local echoes, as the outbox moves them on (sending, sent, failed).
  const storeRooms = useStoreSelector((s) => s.rooms);
  const shown = useMemo(() => fuzzyFilter(rooms, query, (r) => `${roomDisplayName(r)} ${r.meta?.canonical_alias ?? ''}`, 50),
    [rooms, query]);

  function send(room: RoomData): void {
    const roomId = room.id;
    if (!forwarded) return;
    // Out of encryption only once asked: the first click says what it means, the second sends.
    if (leavesEncryption(event, room, storeRooms.get(event.room_id)) && !unencryptedOk.has(roomId)) {
      setUnencryptedOk((prev) => new Set(prev).add(roomId));
      return;
    }
    const set = (s: Send) => setSends((prev) => new Map(prev).set(roomId, s));
    const before = sends.get(roomId);
    // A copy the server refused is tried again in its place, not sent twice.
    const failed = before?.state === 'queued' && forwardState(storeRooms, before.echo).state === 'failed' ? before.echo.transaction_id : undefined;
    if (failed) {
      session.resendEvent(failed).catch((err: unknown) => set({ state: 'refused', error: errorMessage(err) }));
      return;
    }
    set({ state: 'asking' });
    forwardTo(session, roomId, forwarded).then((echo) => set({ state: 'queued', echo }), (err: unknown) => set({ state: 'refused', error: errorMessage(err) }));
  }

  function stateOf(roomId: string): ForwardState | null {
    const s = sends.get(roomId);
    if (!s) return null;
    if (s.state === 'asking') return { state: 'sending' };
    if (s.state === 'refused') return { state: 'failed', error: s.error };
    return forwardState(storeRooms, s.echo);
  }

  const text = typeof forwarded?.content.body === 'string' ? forwarded.content.body : '';
  return (
    <Dialog testId="forward-dialog" title="Forward message" submitLabel="Done" noCancel onSubmit={() => Promise.resolve()} onClose={onClose}>
      {!forwarded ? <p>This message cannot be forwarded.</p> : (
        <>
          <p className="forward-preview" data-testid="forward-preview">{text}</p>
          <label className="dialog-field">
            Rooms
            {/* Enter must not send (to which room?) nor close the dialog: the form's submit is "Done". */}
            <input type="search" value={query} autoFocus placeholder="Search rooms" data-testid="forward-filter"
              onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') e.preventDefault(); }} />
          </label>
          <ul className="forward-rooms" aria-label="Rooms to forward to">
            {shown.map((r) => {
              const name = roomDisplayName(r);
              const s = stateOf(r.id);
              const asked = !s && unencryptedOk.has(r.id);
              return (
                <li key={r.id} className="forward-room" data-testid="forward-room" data-room-id={r.id}>
                  <Avatar id={r.id} name={name} mxc={r.meta?.avatar} size={28} />
                  <span className="forward-room-name">
                    <span className="forward-room-title">{name}</span>
                    {s?.state === 'failed' && <span className="forward-room-error" role="alert">Not sent. {s.error}</span>}
                    {asked && (
                      <span className="forward-room-warning" role="alert">
                        Not encrypted: the homeserver and anyone in this room could read the copy{forwarded.content.file ? ' and open its file' : ''}.
                      </span>
                    )}
                  </span>
                  <button type="button" className="dialog-button" data-testid="forward-send" aria-label={`Send to ${name}`}
                    disabled={s?.state === 'sending' || s?.state === 'sent'} onClick={() => send(r)}>
                    {s?.state === 'sending' ? 'Sending…' : s?.state === 'sent' ? 'Sent' : s?.state === 'failed' ? 'Try again' : asked ? 'Send unencrypted' : 'Send'}
                  </button>
                </li>
              );
            })}
            {shown.length === 0 && <li className="forward-empty">{query ? `No room matches “${query}”.` : 'You are in no room you can send this to.'}</li>}
          </ul>
        </>
      )}
    </Dialog>
  );
}

function SourceDialog({ event, onClose }: { event: Event; onClose: () => void }) {
  const { original, decrypted } = eventSource(event);
  return (
    <Dialog testId="source-dialog" title="Message source" submitLabel="Close" noCancel wide onSubmit={() => Promise.resolve()} onClose={onClose}>
      {decrypted && (
        <section aria-label="Decrypted event">
          <h3 className="source-heading">Decrypted</h3>
          <pre className="source-json" data-testid="source-decrypted">{JSON.stringify(decrypted, null, 2)}</pre>
        </section>
      )}
      <section aria-label="Original event">
        {decrypted && <h3 className="source-heading">Original (encrypted)</h3>}
        <pre className="source-json" data-testid="source-original">{JSON.stringify(original, null, 2)}</pre>
      </section>
    </Dialog>
  );
}
