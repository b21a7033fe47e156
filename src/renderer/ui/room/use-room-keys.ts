/**
 * The timeline's keys that work from anywhere in the room, the composer keeping the focus: PgUp/PgDn scroll the
 * timeline, Shift+PgUp jumps to the first unread message (as in Element), and Esc jumps to the newest message and marks the room read (from a message, the composer takes the
 * focus, since the message's row leaves the DOM as the view jumps). Keys inside the timeline itself are
 * timeline-keys.ts.
 */
import { useEffect, type RefObject } from 'react';
import type { Session } from '../../api/session.ts';

export function useRoomKeys({ session, roomId, scrollerRef, lightboxOpen, toLatest, toFirstUnread }: {
  session: Session;
  roomId: string;
  scrollerRef: RefObject<HTMLDivElement | null>;
  /** Esc is the lightbox's then: it closes that. */
  lightboxOpen: boolean;
  toLatest: () => void;
  /** To the "New messages" line (or the read position, when that is not loaded); false when nothing was unread. */
  toFirstUnread: () => boolean;
}): void {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const el = scrollerRef.current;
      if (!el || ev.defaultPrevented) return;
      if (ev.key === 'PageUp' && ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        // Otherwise Shift+PgUp keeps its meaning (selecting up to the text's start in the composer).
        if (toFirstUnread()) ev.preventDefault();
      } else if ((ev.key === 'PageUp' || ev.key === 'PageDown') && !ev.altKey && !ev.ctrlKey && !ev.metaKey && ev.target !== el) {
        ev.preventDefault();
        el.scrollBy({ top: (ev.key === 'PageUp' ? -1 : 1) * el.clientHeight * 0.9 });
      } else if (ev.key === 'Escape' && !lightboxOpen && !ev.defaultPrevented) {
        // From a message the jump scrolls away (its row leaves the DOM and the focus would fall to the page): the
        // keyboard goes on from the room's composer instead.
        const fromTimeline = el.contains(document.activeElement);
        toLatest();
        void session.markRead(roomId);
        if (fromTimeline) el.closest('.room')?.querySelector<HTMLElement>('[data-testid="composer"]')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lightboxOpen, toLatest, toFirstUnread, roomId, session, scrollerRef]);
}
