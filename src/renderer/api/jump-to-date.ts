/**
 * Jumping the open timeline to a date, as Element does (its date separators' menu, its date picker, /jumptodate):
 * the backend's timestamp_to_event names the first event at or after the start of that day, and the timeline opens
 * it as it opens any event (jump-requests.ts: scrolled to if loaded, else older pages, else the events around it),
 * highlighted. Days are the user's own: midnight where the page runs, which only the renderer knows (a web host's
 * backend may run in another time zone).
 */
import { dayInWords, parseDay } from '../../shared/calendar-day.ts';
import { errorMessage } from '../../shared/error-message.ts';
import { requestJump } from './jump-requests.ts';
import type { Session } from './session.ts';

/** The choices of a date separator's menu, after Element's (plus Today and Yesterday). */
export type DayChoice = 'today' | 'yesterday' | 'last_week' | 'last_month' | 'beginning';

/** Local midnight starting the day `daysAgo` days before `now`'s. */
function midnight(now: Date, daysAgo: number): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo);
}

/** The time a menu choice jumps to: the start of a day (the first of last month for *Last month*), or the epoch. */
export function choiceTime(choice: DayChoice, now = new Date()): number {
  switch (choice) {
    case 'today': return midnight(now, 0).getTime();
    case 'yesterday': return midnight(now, 1).getTime();
    case 'last_week': return midnight(now, 7).getTime();
    case 'last_month': return new Date(now.getFullYear(), now.getMonth() - 1, 1).getTime();
    case 'beginning': return 0;
  }
}

/** `YYYY-MM-DD` of a time, local: the value of a date input. */
export function dayValue(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Opens the room's timeline at the first event at or after `ts`. Throws an Error in words when there is none (the
 * backend answers null) or the homeserver cannot say (its words: unsupported, unreachable, refused).
 */
export async function jumpToTime(session: Session, roomId: string, ts: number): Promise<void> {
  const found = await session.client.request('timestamp_to_event', { room_id: roomId, timestamp: Math.max(0, Math.floor(ts)) });
  if (!found) {
    throw new Error(ts <= 0 ? 'Nothing in this room could be found.' : `Nothing was said in this room on or after ${dayInWords(ts)}.`);
  }
  requestJump(roomId, found.event_id);
}

/**
 * `/jumptodate YYYY-MM-DD` typed into a composer: the day's time, or an Error in words; undefined when the text is
 * not that command (it goes to the backend as usual). Run here, not in the backend, because the day is the user's.
 */
function jumpCommandTime(text: string): number | Error | undefined {
  const m = /^\/jumptodate(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return undefined;
  const arg = (m[1] ?? '').trim();
  if (arg === '') return new Error('Give the day to jump to: /jumptodate YYYY-MM-DD');
  const ts = parseDay(arg);
  return ts === null ? new Error(`"${arg}" is not a day: write it as YYYY-MM-DD, such as 2026-03-03.`) : ts;
}

/**
 * Runs `/jumptodate` typed in a composer, the room's or a thread's (whose room's main timeline jumps, as in the
 * room's composer): true when the text was that command, false when it is to be sent as usual. The command stays
 * typed until the jump is under way (`done` then clears it), so a refusal shown by `setError` can be corrected in
 * place.
 */
export function runJumpCommand(session: Session, roomId: string, text: string, composer: {
  setError: (message: string | null) => void;
  done: () => void;
}): boolean {
  const jump = jumpCommandTime(text);
  if (jump === undefined) return false;
  if (jump instanceof Error) {
    composer.setError(jump.message);
    return true;
  }
  composer.setError(null);
  jumpToTime(session, roomId, jump).then(composer.done, (err: unknown) => composer.setError(errorMessage(err)));
  return true;
}
