/**
 * Reporting abuse to the homeserver's administrators, as Element offers it: a message (`report_event`) with an
 * optional reason, and ignoring its sender as well; a whole room (`report_room`, the spec's v1.13 room report) and
 * leaving it as well; a user (`report_user`, the spec's v1.14 user report) and ignoring them as well. Also which
 * report dialog is open: it is opened from a message's toolbar, the room header, the room list's menu or the user
 * info panel but lives over the whole app, so it stays (with what was typed in it) when the row scrolls away or the
 * room closes after leaving it. A homeserver that asks to wait (reports are rate-limited) is waited for here, in
 * sight: the dialog says that the server asked to wait and that the report goes again then, up to a few times.
 * What was typed into a report that was not sent stays as its draft (per signed-in session, in memory only) until it
 * is sent: closing the dialog, or leaving it for a chat with the other server's administrators, loses nothing.
 */
import { errorMessage } from '../../shared/error-message.ts';
import { retryAfterSeconds } from '../../shared/rate-limit.ts';
import type { Session } from './session.ts';
import { setIgnored } from './user-info.ts';
import { leaveRoom } from './room-requests.ts';
import { uiValue } from './listeners.ts';

/**
 * What is being reported: a message (by its room and event ID, with its sender), a room, or a user (with the room
 * whose member list they were picked from, for their name there).
 */
export type ReportTarget =
  | { kind: 'event'; roomId: string; eventId: string; senderId: string }
  | { kind: 'room'; roomId: string }
  | { kind: 'user'; userId: string; roomId: string };

/**
 * A report that was filed. The follow-up (ignoring the sender, leaving the room) runs only once the report went,
 * and its failure is told apart: the report must not be sent twice by trying again.
 */
export interface ReportOutcome {
  /** The follow-up was asked for and done. */
  followedUp: boolean;
  /** The follow-up failed, in words; the report itself went. */
  followUpError?: string;
}

/** How many times a report goes again after the server asked to wait, before its refusal is shown. */
const RATE_LIMIT_TRIES = 3;

/** What the dialog is told while a report waits for the server, and how it stops the waiting when it closes. */
export interface ReportRetry {
  /** The seconds the server asked to wait before the report goes again; null once it went (or gave up). */
  onWait: (seconds: number | null) => void;
  /** Aborted when the dialog closes: a report waiting to go again is then not sent. */
  signal: AbortSignal;
}

function wait(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new Error('The report was cancelled.')); return; }
    const timer = setTimeout(() => { signal.removeEventListener('abort', stop); resolve(); }, seconds * 1000);
    const stop = () => { clearTimeout(timer); reject(new Error('The report was cancelled.')); };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** Sends the report; when the homeserver asks to wait, says so (`onWait`) and sends it again after that wait. */
async function sendReport(send: () => Promise<unknown>, { onWait, signal }: ReportRetry): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await send();
      onWait(null);
      return;
    } catch (err) {
      const seconds = retryAfterSeconds(errorMessage(err));
      if (seconds === null || tries > RATE_LIMIT_TRIES || signal.aborted) {
        onWait(null);
        throw err;
      }
      onWait(seconds);
      await wait(seconds, signal);
    }
  }
}

async function followUp(run: (() => Promise<void>) | null): Promise<ReportOutcome> {
  if (!run) return { followedUp: false };
  try {
    await run();
    return { followedUp: true };
  } catch (err) {
    return { followedUp: false, followUpError: errorMessage(err) };
  }
}

/** Reports a message; with `ignoreSender`, then ignores whoever sent it (m.ignored_user_list). */
export async function reportMessage(session: Session, target: Extract<ReportTarget, { kind: 'event' }>, reason: string,
  ignoreSender: boolean, retry: ReportRetry): Promise<ReportOutcome> {
  const why = reason.trim();
  await sendReport(() => session.client.request('report_event', {
    room_id: target.roomId, event_id: target.eventId, ...(why ? { reason: why } : {}),
  }), retry);
  return followUp(ignoreSender ? () => setIgnored(session, target.senderId, true) : null);
}

/** Reports a room (the spec requires a reason; it may be empty); with `leave`, then leaves it. */
export async function reportRoom(session: Session, roomId: string, reason: string, leave: boolean,
  retry: ReportRetry): Promise<ReportOutcome> {
  await sendReport(() => session.client.request('report_room', { room_id: roomId, reason: reason.trim() }), retry);
  return followUp(leave ? () => leaveRoom(session, roomId) : null);
}

/** Reports a user (the spec requires a reason; it may be empty); with `ignore`, then ignores them. */
export async function reportUser(session: Session, userId: string, reason: string, ignore: boolean,
  retry: ReportRetry): Promise<ReportOutcome> {
  await sendReport(() => session.client.request('report_user', { user_id: userId, reason: reason.trim() }), retry);
  return followUp(ignore ? () => setIgnored(session, userId, true) : null);
}

/** The server part of a user ID: whose administrators receive our reports. */
export function homeserverOf(userId: string | undefined): string {
  return userId?.slice(userId.indexOf(':') + 1) ?? '';
}

// --- drafts of reports not sent yet ---------------------------------------------------------------------------

/** What was typed into a report dialog: its reason, and whether its extra option (ignore them, leave) was ticked. */
export interface ReportDraft { reason: string; option: boolean }

/**
 * Per signed-in session (signing out drops them with it), by what is reported. Kept in memory only: a report's
 * reason may name what someone did, and it needs to outlive a detour, not a restart.
 */
const drafts = new WeakMap<Session, Map<string, ReportDraft>>();

function draftKey(target: ReportTarget): string {
  switch (target.kind) {
    case 'event': return `event ${target.roomId} ${target.eventId}`;
    case 'room': return `room ${target.roomId}`;
    case 'user': return `user ${target.userId}`;
    default: {
      const unknown: never = target;
      return unknown;
    }
  }
}

/** The unsent report about `target`, if one was started. */
export function loadReportDraft(session: Session, target: ReportTarget): ReportDraft | null {
  return drafts.get(session)?.get(draftKey(target)) ?? null;
}

/** Keeps what is typed into the report about `target`; an empty one is no draft. */
export function saveReportDraft(session: Session, target: ReportTarget, draft: ReportDraft): void {
  let mine = drafts.get(session);
  if (!mine) drafts.set(session, mine = new Map<string, ReportDraft>());
  if (draft.reason.trim() === '' && !draft.option) mine.delete(draftKey(target));
  else mine.set(draftKey(target), draft);
}

/** Forgets the draft once the report went. */
export function clearReportDraft(session: Session, target: ReportTarget): void {
  drafts.get(session)?.delete(draftKey(target));
}

// --- the open report dialog ---------------------------------------------------------------------------------

const open = uiValue<ReportTarget | null>(null);

/** Opens the report dialog for `target`, or closes it with null. */
export const setOpenReport = open.set;
export const useOpenReport = open.use;
