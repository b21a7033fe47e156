/**
 * Marking the open room read while its newest message is in view (and the page is visible): at the bottom of the
 * live timeline, not of an older event's context, whose bottom is not the newest message. A room marked unread is
 * read when it is opened; marked unread while open, it stays so until something new arrives or the user reads it on
 * purpose (Esc), instead of being read again at once.
 */
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { hasUnread } from '../../api/selectors.ts';
import type { Session } from '../../api/session.ts';
import type { RoomData } from '../../api/snapshot.ts';

/** What to call whenever the view moves or the rows change: marks the room read if it should be now. */
export function useMarkRead({ session, roomId, room, contextShown, atBottomRef }: {
  session: Session;
  roomId: string;
  room: RoomData;
  contextShown: boolean;
  atBottomRef: RefObject<boolean>;
}): () => void {
  const markedAtOpen = useRef(room.meta?.marked_unread === true);
  const unreadNow = hasUnread(room);
  /** Unread only by the user's mark, with nothing new since. */
  const onlyMarked = room.meta?.marked_unread === true
    && !(room.meta.unread_messages > 0 || room.meta.unread_notifications > 0 || room.meta.unread_highlights > 0);

  const maybeMarkRead = useCallback(() => {
    const unread = unreadNow && (!onlyMarked || markedAtOpen.current);
    if (unread && !contextShown && atBottomRef.current && document.visibilityState === 'visible') {
      markedAtOpen.current = false;
      void session.markRead(roomId);
    }
  }, [contextShown, unreadNow, onlyMarked, roomId, session, atBottomRef]);

  useEffect(() => {
    const onVisible = (): void => maybeMarkRead();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [maybeMarkRead]);

  return maybeMarkRead;
}
