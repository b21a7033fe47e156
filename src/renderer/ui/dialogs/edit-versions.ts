/**
 * The versions of an edited message for its edit history, newest first: each edit's new content as the timeline
 * would show it had that edit been the last (event-view's viewEvent, so the same sanitized HTML or plain text and
 * the same fallbacks left out), then the original. Pure so it is unit-tested.
 */
import type { Event } from '../../../shared/rpc/types.ts';
import { viewEvent, type EventView } from '../room/event-view.ts';
import { effectiveContent } from '../../../shared/event-cleartext.ts';

type MessageView = Extract<EventView, { kind: 'message' }>;

export interface EditVersion {
  eventId: string;
  /** The original sender: only their edits count (shared/counting-edits.ts). */
  sender: string;
  timestamp: number;
  original: boolean;
  /** What it said; null when it cannot be read (`unreadable` says why). */
  view: MessageView | null;
  unreadable?: string;
}

/** `edits` are the edits that count, in any order. */
export function editVersions(original: Event, edits: readonly Event[]): EditVersion[] {
  const versions: EditVersion[] = [];
  const base = viewEvent(original);
  versions.push({
    eventId: original.event_id, sender: original.sender, timestamp: original.timestamp, original: true,
    ...readable(base, original),
  });
  for (const edit of [...edits].sort((a, b) => a.timestamp - b.timestamp)) {
    const newContent = effectiveContent(edit)['m.new_content'];
    const hasContent = !!newContent && typeof newContent === 'object' && !Array.isArray(newContent);
    // viewEvent falls back to the original for an edit it cannot read: here that would be a false version.
    const view = hasContent ? viewEvent(original, edit) : null;
    versions.push({
      eventId: edit.event_id, sender: edit.sender, timestamp: edit.timestamp, original: false,
      ...(view ? readable(view, edit) : { view: null, unreadable: unreadableWhy(edit) }),
    });
  }
  return versions.reverse();
}

function readable(view: EventView | null, e: Event): Pick<EditVersion, 'view' | 'unreadable'> {
  if (view?.kind === 'message') return { view };
  return { view: null, unreadable: unreadableWhy(e) };
}

function unreadableWhy(e: Event): string {
  if (e.type === 'm.room.encrypted' && !e.decrypted) {
    return e.decryption_error ? `This version could not be decrypted: ${e.decryption_error}` : 'This version waits for its key to be decrypted.';
  }
  if (e.redacted_by) return 'This version was deleted.';
  return 'This version has no text to show.';
}
