/**
 * The toolbar shown above a message on hover or focus: quick reactions (and any emoji from the picker), Reply, Thread,
 * Edit (own messages), Delete (own, or others' with the power to redact; asks once more before deleting), Pin/Unpin
 * (with the power to change the room's pinned events), Copy link, and a "More options" menu with Forward, View source
 * and (others' messages) Report (MessageMenu.tsx); Esc goes back to the message. EventRow renders one per
 * sent message; reactions go through the timeline's actions (as the reaction chips do), other requests are built
 * in api/actions.ts.
 */
import { useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { canRedact, currentText, isEditable, permalink, QUICK_REACTIONS, redact } from '../../api/actions.ts';
import { composerModes } from '../../api/composer-modes.ts';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { setOpenThread } from '../../api/threads.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { canSendState, pinnedEventIds, togglePin } from '../../api/room-state.ts';
import { useActions } from './MessageBody.tsx';
import { MessageMenu } from './MessageMenu.tsx';
import { onToolbarKeyDown } from './timeline-keys.ts';
import { eventRowKey } from './timeline-model.ts';
import { useHoldRow } from './use-held-rows.ts';

export function MessageActions({ event }: { event: Event }) {
  const session = useSession();
  const actions = useActions();
  const own = useOwnUserId();
  const mayDelete = useStoreSelector((s) => canRedact(s.rooms.get(event.room_id), own, event));
  const mayPin = useStoreSelector((s) => !event.event_id.startsWith('~') && !event.redacted_by
    && canSendState(s.rooms.get(event.room_id), own, 'm.room.pinned_events'));
  const pinned = useStoreSelector((s) => pinnedEventIds(s.rooms.get(event.room_id)).includes(event.event_id));
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const modes = composerModes(session);
  // The row stays rendered while its menu or picker is open, however many messages arrive under it.
  useHoldRow(eventRowKey(event.rowid), picking || menuOpen);

  function fail(what: string) {
    return (err: unknown) => setNote(`${what} failed: ${errorMessage(err)}`);
  }

  function edit(): void {
    const room = session.store.getSnapshot().rooms.get(event.room_id);
    modes.set(event.room_id, { kind: 'edit', event, text: currentText(room, event) });
  }

  function togglePinned(): void {
    const ids = pinnedEventIds(session.store.getSnapshot().rooms.get(event.room_id));
    session.client.request('set_state', { room_id: event.room_id, type: 'm.room.pinned_events', state_key: '', content: togglePin(ids, event.event_id) })
      .catch(fail(pinned ? 'Unpin' : 'Pin'));
  }

  function copyLink(): void {
    const link = permalink(event.room_id, event.event_id);
    navigator.clipboard.writeText(link).then(() => setNote('Link copied'), () => setNote(link));
  }

  /**
   * Esc leaves the toolbar for its message (and drops a pending "Delete for everyone?"), as Esc leaves a menu for
   * its opener. Handled here so the room's own Esc (jump to the newest, which scrolls this row away and drops the
   * focus with it) does not run too.
   */
  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    if (ev.key !== 'Escape' || ev.defaultPrevented) {
      onToolbarKeyDown(ev);
      return;
    }
    ev.preventDefault();
    ev.stopPropagation();
    setConfirming(false);
    ev.currentTarget.closest<HTMLElement>('.message')?.focus();
  }

  // One Tab stop for the whole toolbar (a roving tabindex, as a toolbar should have): the button last focused, else
  // the first; ←/→ move along it. With a stop per button, Tab and Shift+Tab walked through ten buttons for every
  // message they passed that has a link or a reaction in it. Set on the DOM, so buttons that come and go (the
  // delete question, the emoji picker's own button) are covered too.
  const bar = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => rove(bar.current, current.current));
  function onFocus(ev: FocusEvent<HTMLDivElement>): void {
    if (!(ev.target instanceof HTMLButtonElement) || ev.target.closest('[role="toolbar"]') !== ev.currentTarget) return;
    current.current = ev.target;
    rove(ev.currentTarget, ev.target);
  }

  return (
    <div ref={bar} className={`message-actions${confirming || note || picking || menuOpen ? ' is-open' : ''}`} role="toolbar" aria-label="Message actions" data-testid="message-actions"
      onKeyDown={onKeyDown} onFocus={onFocus}>
      <span className="message-actions-emoji">
        {QUICK_REACTIONS.map((key) => (
          <button key={key} type="button" title={`React with ${key}`} aria-label={`React with ${key}`} data-testid="react"
            onClick={() => actions.react(event.event_id, key)}>{key}</button>
        ))}
        <EmojiButton label="React with another emoji" testId="react-more" onOpenChange={setPicking} roomId={event.room_id}
          onPick={(p) => {
            if ('image' in p) actions.react(event.event_id, p.image.url, `:${p.image.shortcode}:`);
            else actions.react(event.event_id, p.unicode);
          }}>＋</EmojiButton>
      </span>
      <button type="button" data-testid="action-reply" onClick={() => modes.set(event.room_id, { kind: 'reply', event })}>Reply</button>
      <button type="button" data-testid="action-thread" title="Reply in a thread" onClick={() => setOpenThread(event.room_id, event.event_id)}>Thread</button>
      {isEditable(event, own) && <button type="button" data-testid="action-edit" onClick={edit}>Edit</button>}
      {mayDelete && (confirming ? (
        <>
          {/* Takes the focus from the Delete button it replaces (else the keyboard's focus fell to the page); once
              deleted, the toolbar goes and the focus stays on the message. */}
          <button type="button" className="is-danger" data-testid="action-delete-confirm" autoFocus
            onClick={(ev) => {
              ev.currentTarget.closest<HTMLElement>('.message')?.focus();
              setConfirming(false);
              redact(session, event).catch(fail('Delete'));
            }}>Delete for everyone?</button>
          <button type="button" onClick={() => setConfirming(false)}>Keep</button>
        </>
      ) : (
        <button type="button" className="is-danger" data-testid="action-delete" onClick={() => setConfirming(true)}>Delete</button>
      ))}
      {mayPin && <button type="button" data-testid="action-pin" onClick={togglePinned}>{pinned ? 'Unpin' : 'Pin'}</button>}
      <button type="button" data-testid="action-copy-link" onClick={copyLink}>Copy link</button>
      <MessageMenu event={event} onOpenChange={setMenuOpen} />
      {note && <span className="message-actions-note" role="status" onClick={() => setNote(null)}>{note}</span>}
    </div>
  );
}

/** Makes `current` (or, when it is gone, the first button) the toolbar's only Tab stop. */
function rove(bar: HTMLElement | null, current: HTMLElement | null): void {
  if (!bar) return;
  const buttons = [...bar.querySelectorAll<HTMLButtonElement>('button')].filter((b) => b.closest('[role="toolbar"]') === bar);
  const stop = buttons.find((b) => b === current) ?? buttons[0];
  for (const b of buttons) b.tabIndex = b === stop ? 0 : -1;
}
