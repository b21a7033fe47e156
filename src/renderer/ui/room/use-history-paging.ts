/**
 * Loading more of the timeline as the view nears an end: older history as the top comes near (it is usually there
 * before the user arrives), and in an older event's context (use-event-jumps.ts) a page at a time from either end,
 * older or newer, as the view nears it. A failed context page stops that end rather than being retried by scrolling.
 */
import { useCallback, useRef, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { Session } from '../../api/session.ts';
import { addContextPage, stopContextEnd, type ContextView } from './context-view.ts';

/** Start loading history this far before the top, so it is usually there before the user arrives. */
const LOAD_MARGIN_PX = 800;

/** What to call whenever the view moves or the rows change: loads a page if the view is near an end. */
export function useHistoryPaging({ session, roomId, scrollerRef, context, setContext, hasMore, loading, error, onError }: {
  session: Session;
  roomId: string;
  scrollerRef: RefObject<HTMLDivElement | null>;
  context: ContextView | null;
  setContext: Dispatch<SetStateAction<ContextView | null>>;
  /** The live timeline's older history: whether there is more, is loading now, or failed to load (in words). */
  hasMore: boolean;
  loading: boolean;
  error: string | null | undefined;
  onError: (message: string) => void;
}): () => void {
  /** One page at a time from either end of the context view. */
  const contextPaging = useRef(false);
  const pageContext = useCallback((direction: 'b' | 'f'): void => {
    const token = direction === 'b' ? context?.before : context?.after;
    if (!context || !token || contextPaging.current) return;
    contextPaging.current = true;
    const { eventId } = context;
    const add = (update: (c: ContextView) => ContextView): void =>
      setContext((c) => (c && c.eventId === eventId ? update(c) : c));
    session.contextPage(roomId, token, direction).then((page) => {
      add((c) => addContextPage(c, direction, page));
    }, (err: unknown) => {
      add((c) => stopContextEnd(c, direction));
      onError(`Could not load more messages: ${errorMessage(err)}`);
    }).finally(() => { contextPaging.current = false; });
  }, [context, roomId, session, setContext, onError]);

  return useCallback(() => {
    const el = scrollerRef.current;
    if (!el) return;
    if (context) {
      // A short context is near both ends at once: older first, then newer once the start is reached.
      if (el.scrollTop < LOAD_MARGIN_PX && context.before) pageContext('b');
      else if (el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_MARGIN_PX) pageContext('f');
      return;
    }
    if (!hasMore || loading || error) return;
    if (el.scrollTop < LOAD_MARGIN_PX) void session.loadHistory(roomId);
  }, [scrollerRef, context, pageContext, hasMore, loading, error, roomId, session]);
}
