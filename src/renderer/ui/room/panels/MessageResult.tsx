/**
 * A found or pinned message as a row of the search and pinned panels: who, when, and its text as it reads now (its
 * latest edit's, as the timeline shows it); activating it jumps to it in the timeline. The latest edit is the one
 * the backend names (`last_edit_rowid`): the store's copy of the message when the timeline holds it, which sync
 * keeps current (an edit or a deletion while the panel is open), else the copy the panel fetched.
 */
import type { ReactNode } from 'react';
import type { Event } from '../../../../shared/rpc/types.ts';
import { effectiveContent, effectiveType } from '../../../../shared/event-cleartext.ts';
import { useStoreSelector } from '../../../api/hooks.ts';
import { requestJump } from '../../../api/jump-requests.ts';
import { highlightWords } from './highlight.tsx';

/**
 * A message's text: its latest edit's `m.new_content` (a deleted edit no longer counts), else its own body; in an
 * encrypted room the cleartext of both (what search matched), not the ciphertext.
 */
export function shownBody(e: Event, edit?: Event): string {
  const edited = edit && !edit.redacted_by ? effectiveContent(edit)['m.new_content'] : undefined;
  const content = edited && typeof edited === 'object' && !Array.isArray(edited) ? edited : effectiveContent(e);
  return typeof content.body === 'string' ? content.body : effectiveType(e);
}

/**
 * `event` as the store holds it now (else as given), and its text with its latest edit: from the store, else from
 * `edits` (fetched with it, by rowid).
 */
function useShownMessage(event: Event, edits: ReadonlyMap<number, Event>): { current: Event; text: string } {
  const current = useStoreSelector((s) => s.rooms.get(event.room_id)?.events.get(event.rowid)) ?? event;
  const editId = current.last_edit_rowid;
  const held = useStoreSelector((s) => (editId !== undefined ? s.rooms.get(event.room_id)?.events.get(editId) : undefined));
  const edit = held ?? (editId !== undefined ? edits.get(editId) : undefined);
  return { current, text: shownBody(current, edit) };
}

export function MessageResult({ event, edits, sender, testId, query }: {
  event: Event;
  /** Latest edits fetched with the message, by rowid (search's related_events, the pinned panel's own fetch). */
  edits: ReadonlyMap<number, Event>;
  sender: string;
  testId: string;
  /** The searched words, marked in the text. */
  query?: string;
}) {
  const { current, text } = useShownMessage(event, edits);
  return (
    <ResultButton event={current} sender={sender} testId={testId}>
      {current.redacted_by ? 'Message deleted' : query ? highlightWords(text, query) : text}
    </ResultButton>
  );
}

function ResultButton({ event, sender, testId, children }: { event: Event; sender: string; testId: string; children: ReactNode }) {
  const when = new Date(event.timestamp);
  return (
    <button type="button" className="panel-result" data-testid={testId} data-event-id={event.event_id}
      onClick={() => requestJump(event.room_id, event.event_id)}>
      <span className="panel-result-meta">
        <bdi className="panel-result-sender">{sender}</bdi>
        <time dateTime={when.toISOString()}>{when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
      </span>
      <span className="panel-result-text">{children}</span>
    </button>
  );
}
