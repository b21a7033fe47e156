/**
 * "N replies" under a thread root, with the latest reply's sender and first words; opens the thread panel. Deleted
 * replies are not counted or previewed, and none is shown when no reply is left (see threadSummary); when a reply
 * we hold is deleted, the root is asked of the server again for its count (refreshThreadCount).
 */
import { memo, useEffect } from 'react';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { displayNameOf, selectMemberNames } from '../../api/selectors.ts';
import { refreshThreadCount, selectThreadReplies, setOpenThread, threadSummary, useFreshThreadCount } from '../../api/threads.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { previewText } from './event-view.ts';
import './thread.css';

export const ThreadSummary = memo(function ThreadSummary({ root }: { root: Event }) {
  const replies = useStoreSelector((s) => selectThreadReplies(s.rooms.get(root.room_id), root.event_id));
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(root.room_id)));
  const session = useSession();
  const fresh = useFreshThreadCount(root.event_id);
  useEffect(() => {
    refreshThreadCount(root.event_id, replies,
      () => session.client.request('get_event', { room_id: root.room_id, event_id: root.event_id, fresh: true }));
  }, [session, root.room_id, root.event_id, replies]);
  const { count, latest } = threadSummary(root, replies, fresh);
  if (count === 0) return null;
  const lastText = latest ? previewText(latest, (u) => displayNameOf(names, u)) : '';
  return (
    <button type="button" className="thread-summary" data-testid="thread-summary" onClick={() => setOpenThread(root.room_id, root.event_id)}>
      <span>{count === 1 ? '1 reply' : `${count} replies`}</span>
      {lastText && <span className="thread-summary-last">{lastText}</span>}
    </button>
  );
});
