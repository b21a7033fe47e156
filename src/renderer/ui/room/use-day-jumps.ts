/**
 * A date separator's menu (DaySeparator.tsx) jumping the timeline: a day it names goes to api/jump-to-date.ts, whose
 * jump comes back to the timeline as any jump request does; "Jump to a date…" opens the date picker
 * (JumpToDateDialog.tsx) at the separator's day. Both are the timeline's to show, not the separator's: its row may
 * be virtualized away meanwhile.
 */
import { useCallback, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { choiceTime, jumpToTime, type DayChoice } from '../../api/jump-to-date.ts';
import type { Session } from '../../api/session.ts';

export function useDayJumps(session: Session, roomId: string, onError: (message: string) => void): {
  jumpToDay: (ts: number, choice: DayChoice | 'pick') => void;
  /** The day the date picker is open at, or null when it is closed. */
  pickingFrom: number | null;
  closePicker: () => void;
} {
  const [pickingFrom, setPickingFrom] = useState<number | null>(null);
  const jumpToDay = useCallback((ts: number, choice: DayChoice | 'pick') => {
    if (choice === 'pick') setPickingFrom(ts);
    else jumpToTime(session, roomId, choiceTime(choice)).catch((err: unknown) => onError(errorMessage(err)));
  }, [session, roomId, onError]);
  const closePicker = useCallback(() => setPickingFrom(null), []);
  return { jumpToDay, pickingFrom, closePicker };
}
