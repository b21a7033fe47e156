/**
 * The report dialogs, over the whole app (App renders ReportLayer): reporting a message, with an option to ignore
 * its sender too, reporting a room, with an option to leave it too, and reporting a user, with an option to ignore
 * them too, as Element offers them. Each says first
 * where a report goes (the homeserver's administrators, not the room's moderators), takes an optional reason, and
 * after sending says in words that it went; a refusal shows in the dialog and everything typed stays. While the
 * homeserver asks to wait (reports are rate-limited), the dialog says so and that the report goes again by itself.
 * A user of another homeserver is reported to ours too, whose administrators cannot act on that account (Synapse
 * drops such reports): the dialog says so before and after, rather than thanking for a report that reaches no one,
 * and offers that server's own contacts where it publishes them (ReportContacts.tsx), as it does for a message from
 * such a user. What is typed (the reason, the extra option) is kept as the report's draft until it is sent
 * (reporting.ts): closing the dialog, or leaving it for a chat with those contacts, and opening the same report again
 * finds it as it was, said in a note.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isolateBidi } from '../../../shared/display-name.ts';
import { useMemberNames, useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  clearReportDraft, homeserverOf, loadReportDraft, reportMessage, reportRoom, reportUser, saveReportDraft, setOpenReport,
  useOpenReport, type ReportDraft, type ReportOutcome, type ReportRetry, type ReportTarget,
} from '../../api/reporting.ts';
import { displayNameOf, roomDisplayName } from '../../api/selectors.ts';
import { selectIsIgnored } from '../../api/user-info.ts';
import { Dialog } from './Dialog.tsx';
import { ReportContacts, useServerSupport } from './ReportContacts.tsx';
import { closeIfShown } from './RoomDialogs.tsx';

export function ReportLayer() {
  const target = useOpenReport();
  if (!target) return null;
  const close = () => setOpenReport(null);
  // Keyed by what is reported: opening another report starts from its own draft, or an empty form.
  switch (target.kind) {
    case 'event': return <ReportMessageDialog key={target.eventId} target={target} onClose={close} />;
    case 'room': return <ReportRoomDialog key={target.roomId} target={target} onClose={close} />;
    case 'user': return <ReportUserDialog key={target.userId} target={target} onClose={close} />;
    default: {
      const unknown: never = target;
      return unknown;
    }
  }
}

function ReportMessageDialog({ target, onClose }: { target: Extract<ReportTarget, { kind: 'event' }>; onClose: () => void }) {
  const session = useSession();
  const server = homeserverOf(useOwnUserId());
  const sender = isolateBidi(displayNameOf(useMemberNames(target.roomId), target.senderId));
  const encrypted = useStoreSelector((s) => !!s.rooms.get(target.roomId)?.meta?.encryption_event);
  const draft = useReportDraft(target);
  const ignoring = useIgnoreOption(target.senderId, sender, draft);
  const theirs = homeserverOf(target.senderId);
  return (
    <ReportForm testId="report-event-dialog" title="Report this message" onClose={onClose} target={target} draft={draft}
      otherServer={theirs !== server ? theirs : null}
      send={(reason, retry) => reportMessage(session, target, reason, ignoring.chosen, retry)}
      sent={(o) => <>Thank you: the administrators of {server} have your report.{ignoring.done(o)}</>}
      option={ignoring.option}>
      <p>
        Your report goes to the administrators of your homeserver, {server}, not to this room&apos;s moderators. They
        see which message you reported, who sent it, and your reason.
      </p>
      {encrypted && <p>This room is encrypted: they cannot read the message itself, so say in your reason what it was.</p>}
    </ReportForm>
  );
}

function ReportRoomDialog({ target, onClose }: { target: Extract<ReportTarget, { kind: 'room' }>; onClose: () => void }) {
  const session = useSession();
  const { roomId } = target;
  const server = homeserverOf(useOwnUserId());
  const current = useStoreSelector((s) => roomDisplayName(s.rooms.get(roomId)));
  // Kept from when the dialog opened: leaving takes the room (and its name) out of the store.
  const [name] = useState(current);
  const draft = useReportDraft(target);
  const [leave, setLeave] = useState(draft?.option ?? false);
  return (
    <ReportForm testId="report-room-dialog" title="Report this room" onClose={onClose} target={target} draft={draft}
      send={async (reason, retry) => {
        const outcome = await reportRoom(session, roomId, reason, leave, retry);
        if (outcome.followedUp) closeIfShown(roomId);
        return outcome;
      }}
      sent={(o) => <>
        Thank you: the administrators of {server} have your report.
        {o.followedUp && ' You left the room.'}
        {o.followUpError && ` Leaving the room failed: ${o.followUpError}`}
      </>}
      option={{ testId: 'report-leave', checked: leave, onChange: setLeave, label: 'Also leave the room' }}>
      <p>
        Your report about the whole room, {isolateBidi(name)}, goes to the administrators of your homeserver, {server},
        not to the room&apos;s moderators. They see which room you reported and your reason.
      </p>
    </ReportForm>
  );
}

function ReportUserDialog({ target, onClose }: { target: Extract<ReportTarget, { kind: 'user' }>; onClose: () => void }) {
  const session = useSession();
  const server = homeserverOf(useOwnUserId());
  const name = isolateBidi(displayNameOf(useMemberNames(target.roomId), target.userId));
  const draft = useReportDraft(target);
  const ignoring = useIgnoreOption(target.userId, name, draft);
  // The spec lets anyone be reported, but only to our own homeserver, whose administrators act on its accounts only.
  const theirs = homeserverOf(target.userId);
  const remote = theirs !== server;
  return (
    <ReportForm testId="report-user-dialog" title="Report this user" onClose={onClose} target={target} draft={draft}
      otherServer={remote ? theirs : null}
      send={(reason, retry) => reportUser(session, target.userId, reason, ignoring.chosen, retry)}
      sent={(o) => remote
        ? <>{server} accepted the report, but it may reach no one who can act on it: {name}&apos;s account is on {theirs}.{ignoring.done(o)}</>
        : <>Thank you: the administrators of {server} have your report.{ignoring.done(o)}</>}
      option={ignoring.option}>
      <p>
        Your report about {name} ({target.userId}) goes to the administrators of your homeserver, {server}, not to
        a room&apos;s moderators. They see whom you reported and your reason.
      </p>
      {remote && (
        <p data-testid="report-remote">
          {name}&apos;s account is on another homeserver, {theirs}: the administrators of {server} cannot act on it, and a
          homeserver may quietly drop such a report (Synapse does). Ignoring {name} hides them from you either way.
        </p>
      )}
    </ReportForm>
  );
}

interface ReportOption { testId: string; checked: boolean; onChange: (v: boolean) => void; label: string }

/** The draft of this report when the dialog opened (read once: from then on the form holds what is typed). */
function useReportDraft(target: ReportTarget): ReportDraft | null {
  const session = useSession();
  const [draft] = useState(() => loadReportDraft(session, target));
  return draft;
}

/**
 * The "also ignore them" choice of the message and user reports: not offered when they are ignored already (unticking
 * would not unignore them); `done` says after sending whether ignoring them worked.
 */
function useIgnoreOption(userId: string, name: string, draft: ReportDraft | null): {
  chosen: boolean; option: ReportOption | null; done: (o: ReportOutcome) => string;
} {
  const alreadyIgnored = useStoreSelector((s) => selectIsIgnored(s, userId));
  const [ignore, setIgnore] = useState(draft?.option ?? false);
  return {
    chosen: ignore && !alreadyIgnored,
    option: alreadyIgnored ? null : {
      testId: 'report-ignore', checked: ignore, onChange: setIgnore,
      label: `Also ignore ${name}: hide their messages and invites from you`,
    },
    done: (o) => (o.followedUp ? ` You are now ignoring ${name}: you will not see their messages or invites.` : '')
      + (o.followUpError ? ` Ignoring ${name} failed: ${o.followUpError}` : ''),
  };
}

/**
 * The form both reports share: the explanation, the reason, the extra option; after sending, what was done. The
 * form stays mounted through a refusal (Dialog shows it), so the reason and the option keep their values; until the
 * report went they are its draft too, for when the dialog closes and opens again.
 */
function ReportForm({ testId, title, children, target, draft, otherServer = null, option, send, sent, onClose }: {
  testId: string;
  title: string;
  children: ReactNode;
  target: ReportTarget;
  /** What was typed into this report before, not sent: the form starts from it. */
  draft: ReportDraft | null;
  /** The homeserver of whom the report is about when it is not ours: its contacts are shown before and after sending. */
  otherServer?: string | null;
  option: ReportOption | null;
  send: (reason: string, retry: ReportRetry) => Promise<ReportOutcome>;
  sent: (outcome: ReportOutcome) => ReactNode;
  onClose: () => void;
}) {
  const session = useSession();
  const [reason, setReason] = useState(draft?.reason ?? '');
  // Asked here, once, for both the form and what is shown after sending.
  const support = useServerSupport(otherServer);
  const [outcome, setOutcome] = useState<ReportOutcome | null>(null);
  const contacts = otherServer !== null && <ReportContacts server={otherServer} support={support} unsent={!outcome} onLeave={onClose} />;
  const optionChecked = option?.checked ?? false;
  useEffect(() => {
    if (!outcome) saveReportDraft(session, target, { reason, option: optionChecked });
  }, [session, target, reason, optionChecked, outcome]);
  /** The seconds the homeserver asked to wait before the report goes again; null when it is not waiting. */
  const [waiting, setWaiting] = useState<number | null>(null);
  // Closing the dialog stops a report that waits to go again: the person chose not to send it after all.
  const closing = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    closing.current = controller;
    return () => controller.abort();
  }, []);
  if (outcome) {
    return (
      <Dialog testId={testId} title="Report sent" submitLabel="Done" noCancel onClose={onClose} onSubmit={() => Promise.resolve()}>
        <Done>{sent(outcome)}</Done>
        {contacts}
      </Dialog>
    );
  }
  return (
    <Dialog testId={testId} title={title} submitLabel="Send report" onClose={onClose}
      onSubmit={async () => {
        const went = await send(reason, { onWait: setWaiting, signal: closing.current?.signal ?? AbortSignal.abort() });
        clearReportDraft(session, target);
        setOutcome(went);
        return false;
      }}>
      {children}
      {contacts}
      {draft !== null && draft.reason.trim() !== '' && (
        <p className="dialog-note" data-testid="report-draft">Not sent yet: this is the report you started earlier, as you left it.</p>
      )}
      <label className="dialog-field">Reason (optional)
        <textarea data-testid="report-reason" value={reason} rows={3} maxLength={1000} autoFocus
          placeholder="What is wrong with it?" onChange={(e) => setReason(e.target.value)} />
      </label>
      {option && (
        <label className="dialog-check">
          <input type="checkbox" data-testid={option.testId} checked={option.checked} onChange={(e) => option.onChange(e.target.checked)} />
          {option.label}
        </label>
      )}
      {waiting !== null && (
        <p className="dialog-note" role="status" data-testid="report-waiting">
          The homeserver asked Lattice to wait before sending another report. It sends it again in {waiting} s.
        </p>
      )}
    </Dialog>
  );
}

/** What was done, read out when it appears; the focus moves to Done (the button that was pressed was disabled while sending). */
function Done({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.closest('dialog')?.querySelector<HTMLElement>('[data-testid="dialog-submit"]')?.focus();
  }, []);
  return <p ref={ref} role="status" data-testid="report-done">{children}</p>;
}
