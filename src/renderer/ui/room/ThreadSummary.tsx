/**
 * "N replies" under a thread root, with the latest reply's sender and first words; opens the thread panel. The
 * count is the larger of the replies we hold and the server's bundled summary (which counts unloaded ones too).
 */
import { memo } from 'react';
import { useStoreSelector } from '../../api/hooks.ts';
import { displayNameOf, selectMemberNames } from '../../api/selectors.ts';
import { bundledThreadCount, selectThreadReplies, setOpenThread } from '../../api/threads.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { previewText } from './event-view.ts';
import './thread.css';

export const ThreadSummary = memo(function ThreadSummary({ root }: { root: Event }) {
  const replies = useStoreSelector((s) => selectThreadReplies(s.rooms.get(root.room_id), root.event_id));
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(root.room_id)));
  const count = Math.max(replies.length, bundledThreadCount(root));
  if (count === 0) return null;
  const last = replies.length ? replies[replies.length - 1] : undefined;
  const lastText = last ? previewText(last, (u) => displayNameOf(names, u)) : '';
  return (
    <button type="button" className="thread-summary" data-testid="thread-summary" onClick={() => setOpenThread(root.room_id, root.event_id)}>
      <span>{count === 1 ? '1 reply' : `${count} replies`}</span>
      {lastText && <span className="thread-summary-last">{lastText}</span>}
    </button>
  );
});
