/**
 * The room's threads (the header's Threads button), as Element lists them: every thread of the room or only the
 * user's ("My threads"), newest activity first, each row with the root's sender and first line, its reply count and
 * who replied last and when; more pages on request. Choosing a row opens that thread's panel over this one, which
 * RoomView keeps here `hidden` meanwhile: its back arrow shows the list as it was (tab, rows, where it was scrolled),
 * with the focus on the row opened. The list and its pages: api/thread-list.ts.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Event } from '../../../../shared/rpc/types.ts';
import { useMemberNames, useStoreSelector } from '../../../api/hooks.ts';
import { displayNameOf } from '../../../api/selectors.ts';
import { threadRows, useThreadList, type ThreadFilter, type ThreadRow } from '../../../api/thread-list.ts';
import { selectThreadReplies, setOpenThread } from '../../../api/threads.ts';
import type { RoomData } from '../../../api/snapshot.ts';
import { formatFullTime, formatListTime } from '../../common/format.ts';
import { useHour12 } from '../../prefs.ts';
import { previewText } from '../event-view.ts';
import { SidePanel } from './SidePanel.tsx';

const FILTERS: readonly { filter: ThreadFilter; label: string }[] = [
  { filter: 'all', label: 'All threads' },
  { filter: 'participated', label: 'My threads' },
];

export function ThreadsPanel({ roomId, onClose, hidden = false }: { roomId: string; onClose: () => void; hidden?: boolean }) {
  const [filter, setFilter] = useState<ThreadFilter>('all');
  const panel = useRef<HTMLElement>(null);
  const opened = useRef<string | null>(null);
  // Back from the thread (Chromium keeps a hidden box's scroll offset): its back arrow went with it, and the focus
  // goes to the row that opened it, before the panel focus would put it on × at the top and scroll the list there.
  useLayoutEffect(() => {
    const el = panel.current;
    if (hidden || !el) return;
    const active = document.activeElement;
    if (opened.current && (!active || active === document.body || !active.isConnected)) {
      el.querySelector<HTMLElement>(`[data-testid="thread-list-item"][data-event-id="${CSS.escape(opened.current)}"]`)?.focus({ preventScroll: true });
    }
  }, [hidden]);
  const { state, loadMore, reload } = useThreadList(roomId, filter);
  // The replies sync brought for each listed thread: a reply while the list is open counts and moves it up.
  const room = useStoreSelector((s) => s.rooms.get(roomId));
  const rows = useMemo(() => threadRows(state, (id) => repliesHeld(room, id)), [state, room]);
  const names = useMemberNames(roomId);
  const nameOf = (userId: string) => displayNameOf(names, userId);
  const firstFailed = state.error !== null && state.roots.length === 0;

  return (
    <SidePanel title="Threads" testId="threads-panel" onClose={onClose} hidden={hidden} panelRef={panel}>
      <div className="thread-list-filter" role="group" aria-label="Which threads">
        {FILTERS.map((f) => (
          <button key={f.filter} type="button" aria-pressed={filter === f.filter} data-testid={`threads-filter-${f.filter}`}
            onClick={() => setFilter(f.filter)}>{f.label}</button>
        ))}
      </div>
      {state.loading === 'first' ? (
        <p className="settings-note" role="status">Loading threads…</p>
      ) : firstFailed ? null : rows.length === 0 ? (
        <p className="settings-note" data-testid="threads-empty">
          {filter === 'all' ? 'No threads in this room yet. Reply to a message in a thread to start one.'
            : 'You have not started or replied to a thread in this room yet.'}
        </p>
      ) : (
        <ul className="panel-results" aria-label={filter === 'all' ? 'All threads' : 'My threads'}>
          {rows.map((row) => <li key={row.root.event_id}><ThreadListRow row={row} nameOf={nameOf} onOpen={(id) => { opened.current = id; }} /></li>)}
        </ul>
      )}
      {state.error !== null && (
        // The backend's words say what failed ("Could not get the threads of this room …: not allowed").
        <p className="settings-error" role="alert" data-testid="threads-error">{state.error}</p>
      )}
      {firstFailed && <button type="button" className="panel-more" onClick={reload}>Try again</button>}
      {state.nextBatch !== null && state.loading !== 'first' && (
        <button type="button" className="panel-more" data-testid="threads-more" disabled={state.loading === 'more'} onClick={loadMore}>
          {state.loading === 'more' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </SidePanel>
  );
}

const NO_REPLIES: readonly Event[] = [];

function repliesHeld(room: RoomData | undefined, rootId: string): readonly Event[] {
  return room ? selectThreadReplies(room, rootId) : NO_REPLIES;
}

function ThreadListRow({ row, nameOf, onOpen }: { row: ThreadRow; nameOf: (userId: string) => string; onOpen: (rootId: string) => void }) {
  const hour12 = useHour12();
  const { root, count, latest } = row;
  const text = previewText(root, nameOf, undefined, root.sender) || 'Message';
  return (
    <button type="button" className="panel-result thread-list-row" data-testid="thread-list-item" data-event-id={root.event_id}
      onClick={() => { onOpen(root.event_id); setOpenThread(root.room_id, root.event_id); }}>
      <bdi className="panel-result-sender">{nameOf(root.sender)}</bdi>
      <span className="thread-list-text">{text}</span>
      <span className="thread-list-replies">
        <span className="thread-list-count">{count === 1 ? '1 reply' : `${count} replies`}</span>
        {latest && (
          <span className="thread-list-last">
            latest from <bdi>{nameOf(latest.sender)}</bdi>,{' '}
            <time dateTime={new Date(latest.timestamp).toISOString()} title={formatFullTime(latest.timestamp, { hour12 })}>{formatListTime(latest.timestamp, undefined, { hour12 })}</time>
          </span>
        )}
      </span>
    </button>
  );
}
