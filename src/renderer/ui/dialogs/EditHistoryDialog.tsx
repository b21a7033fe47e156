/**
 * *View edit history*, as Element has it: every version of an edited message, newest first, each with its time and
 * its sender (the original sender: nobody else's edits count), its text rendered as the timeline renders it (the
 * backend's sanitized HTML, or plain text) and what it changed from the version before marked word by word.
 * Opened from the message's "(edited)" or its options menu; an edit arriving while it is open is read in. The
 * backend asks the homeserver for the edits too (an edit this device never received, made while it was not syncing);
 * when it cannot, the versions this device has are shown under a note that says why some may be missing.
 */
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { messageEdits } from '../../api/message-dialogs.ts';
import { selectEventById } from '../../api/relations.ts';
import { displayNameOf, selectMemberNames } from '../../api/selectors.ts';
import { formatClock, formatDaySeparator, formatFullTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import { LinkifiedText } from '../room/LinkifiedText.tsx';
import { RichHtml } from '../room/RichHtml.tsx';
import { htmlWords, markHtml, textSegments, words } from './edit-diff.ts';
import { editVersions, type EditVersion } from './edit-versions.ts';
import { Dialog } from './Dialog.tsx';

type Loaded = { state: 'loading' } | { state: 'failed'; error: string }
  | { state: 'ready'; versions: EditVersion[]; serverProblem: string | null };

export function EditHistoryDialog({ event, onClose }: { event: Event; onClose: () => void }) {
  const hour12 = useHour12();
  const session = useSession();
  // The message as the store has it now (a late decryption, a newer edit), else as it was when the dialog opened.
  const original = useStoreSelector((s) => selectEventById(s.rooms.get(event.room_id), event.event_id)) ?? event;
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(event.room_id)));
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // Read again when the message's latest edit changes (one arriving, or deleted) or its decryption arrives: the
  // list already shown stays until the new one is in.
  const lastEdit = original.last_edit_rowid;
  const decrypted = original.decrypted !== undefined;
  useEffect(() => {
    let live = true;
    messageEdits(session, original).then(
      ({ edits, serverProblem }) => { if (live) setLoaded({ state: 'ready', versions: editVersions(original, edits), serverProblem }); },
      (err: unknown) => { if (live) setLoaded({ state: 'failed', error: errorMessage(err) }); },
    );
    return () => { live = false; };
    // `original` is read for these: a new object for another reason (reactions) needs no new read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, event.room_id, event.event_id, lastEdit, decrypted, attempt]);
  const tryAgain = () => { setLoaded({ state: 'loading' }); setAttempt((n) => n + 1); };

  return (
    <Dialog testId="edit-history-dialog" title="Message edits" submitLabel="Close" noCancel wide onSubmit={() => Promise.resolve()} onClose={onClose}>
      {loaded.state === 'loading' && (
        <p className="edit-history-status" role="status" data-testid="edit-history-loading"><span className="spinner" aria-hidden="true" /> Loading the versions of this message…</p>
      )}
      {loaded.state === 'failed' && (
        <div className="edit-history-status" role="alert" data-testid="edit-history-error">
          <p>The versions of this message could not be read. {loaded.error}</p>
          <button type="button" className="dialog-button" onClick={tryAgain}>Try again</button>
        </div>
      )}
      {loaded.state === 'ready' && loaded.serverProblem !== null && (
        <div className="edit-history-partial" role="note" data-testid="edit-history-partial">
          <p>
            Showing the versions this device received. The homeserver could not be asked for the others, so an edit made
            while Lattice was not syncing may be missing. <span className="edit-history-reason">{loaded.serverProblem}</span>
          </p>
          <button type="button" className="dialog-button" onClick={tryAgain}>Try again</button>
        </div>
      )}
      {loaded.state === 'ready' && (
        <ol className="edit-history" aria-label="Versions, newest first" data-testid="edit-history">
          {loaded.versions.map((v, i) => {
            const day = formatDaySeparator(v.timestamp);
            const newerDay = i > 0 ? formatDaySeparator(loaded.versions[i - 1].timestamp) : null;
            return (
              <li key={v.eventId} className="edit-version" data-testid="edit-version" data-event-id={v.eventId}>
                {day !== newerDay && <h3 className="edit-history-day">{day}</h3>}
                <div className="edit-version-meta">
                  <bdi className="edit-version-sender">{displayNameOf(names, v.sender)}</bdi>
                  <time dateTime={new Date(v.timestamp).toISOString()} title={formatFullTime(v.timestamp, { hour12 })}>{formatClock(v.timestamp, { hour12 })}</time>
                  {v.original && <span className="edit-version-tag">Original</span>}
                  {i === 0 && !v.original && <span className="edit-version-tag">Current</span>}
                </div>
                <VersionBody version={v} older={loaded.versions[i + 1]} />
              </li>
            );
          })}
        </ol>
      )}
    </Dialog>
  );
}

/** The words of a version, to compare the next one with. */
function versionWords(v: EditVersion | undefined): string[] | null {
  if (!v?.view) return null;
  return v.view.html !== null ? htmlWords(v.view.html) : words(v.view.body);
}

function VersionBody({ version, older }: { version: EditVersion; older: EditVersion | undefined }) {
  const view = version.view;
  // The original has nothing before it; a version after an unreadable one is shown as it is, unmarked.
  const before = useMemo(() => (version.original ? null : versionWords(older)), [version.original, older]);
  const html = useMemo(() => (view?.html != null && before ? markHtml(before, view.html) : view?.html ?? null), [view, before]);
  if (!view) return <p className="edit-version-unreadable message-deleted" data-testid="edit-version-body">{version.unreadable}</p>;
  const emote = view.msgtype === 'm.emote' ? 'message-emote ' : '';
  if (html !== null) {
    return (
      <div className={`${emote}message-body edit-version-body`} dir="auto" data-testid="edit-version-body">
        {/* The backend's sanitized_html; the marks added are <ins>/<del> around text (edit-diff.ts). */}
        <RichHtml html={html} />
      </div>
    );
  }
  const segments = before ? textSegments(before, view.body) : [{ kind: 'same' as const, text: view.body }];
  return (
    <div className={`${emote}message-body message-text edit-version-body`} dir="auto" data-testid="edit-version-body">
      {segments.map((s, i) => (s.kind === 'added' ? <ins key={i} className="edit-added"><LinkifiedText text={s.text} /></ins>
        : s.kind === 'removed' ? <del key={i} className="edit-removed">{s.text}</del>
          : <LinkifiedText key={i} text={s.text} />))}
      {!view.body && <span className="message-deleted">No text</span>}
    </div>
  );
}
