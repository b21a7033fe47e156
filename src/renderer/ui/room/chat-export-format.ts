/**
 * "Export chat" files, as Element writes them in spirit: plain text for people (a line per message or room change,
 * as the timeline words it, edits applied, with the time it was sent) and JSON for programs (every event gathered,
 * reactions and edits included, as the sender wrote it: decrypted where it was encrypted); the web page is
 * chat-export-html.ts. Pure, so it is unit-tested; the gathering is api/chat-export.ts.
 */
import { effectiveContent, effectiveType } from '../../../shared/event-cleartext.ts';
import type { Event, EventRowID, JSONObject } from '../../../shared/rpc/types.ts';
import { messageBodyText, viewEvent, type EventView, type MediaView } from './event-view.ts';

export type ExportFormat = 'html' | 'text' | 'json';

export interface ExportSource {
  roomId: string;
  roomName: string;
  /** The user ID of whoever exports. */
  exportedBy: string;
  at: Date;
  /** Oldest first. */
  events: readonly Event[];
  related: ReadonlyMap<EventRowID, Event>;
  /** A user's name as the room shows it now. */
  name: (userId: string) => string;
  /** The export reaches back to the room's start. */
  fromStart: boolean;
}

/** The event's latest edit, when the page brought it. */
function editOf(e: Event, related: ReadonlyMap<EventRowID, Event>): Event | undefined {
  return e.last_edit_rowid ? related.get(e.last_edit_rowid) : undefined;
}

/** How the timeline shows it, or null for what it hides (edits, reactions, redactions…). */
export function viewOf(e: Event, related: ReadonlyMap<EventRowID, Event>): EventView | null {
  return viewEvent(e, editOf(e, related));
}

/**
 * True for what "the latest N messages" counts: what someone said (a message, deleted or not, one not decrypted), not
 * the lines about the room (joins, names) between them, nor what the timeline hides (edits, reactions).
 */
export function isMessage(e: Event, related: ReadonlyMap<EventRowID, Event>): boolean {
  const view = viewOf(e, related);
  return view !== null && view.kind !== 'state';
}

/** The events from the `count`-th latest message on (all of them when there are fewer), oldest first. */
export function fromLatestMessages(events: readonly Event[], related: ReadonlyMap<EventRowID, Event>, count: number): Event[] {
  let seen = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    if (isMessage(events[i], related) && ++seen === count) return events.slice(i);
  }
  return [...events];
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time, unambiguous in any locale and sortable: 2026-11-27 21:43. */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const MEDIA_WORDS: Record<string, string> = { image: 'Image', video: 'Video', audio: 'Audio', file: 'File', sticker: 'Sticker' };

/** An attachment named, as the exports show it (they do not include it): "[Image] cat.png". */
export function mediaText(media: MediaView): string {
  return `[${media.voice ? 'Voice message' : MEDIA_WORDS[media.kind]}] ${media.name}`;
}

/** One entry's words, without its time; null for events the timeline hides. */
function entryText(e: Event, view: EventView, name: (userId: string) => string): string {
  switch (view.kind) {
    case 'deleted':
      return `${name(e.sender)}: (message deleted)`;
    case 'encrypted':
      return `${name(e.sender)}: (encrypted message: ${view.reason.toLowerCase()})`;
    case 'state':
      return view.text((id, then) => then ?? name(id));
    case 'message': {
      let body = messageBodyText(view);
      if (view.media) body = mediaText(view.media);
      if (view.edited) body += ' (edited)';
      return view.msgtype === 'm.emote' ? `* ${name(e.sender)} ${body}` : `${name(e.sender)}: ${body}`;
    }
  }
}

export function exportAsText(src: ExportSource): string {
  const lines: string[] = [
    `${src.roomName} (${src.roomId})`,
    `Exported by ${src.exportedBy} on ${stamp(src.at.getTime())} with Lattice, ${src.fromStart ? 'from the start of the room' : 'the latest messages'}`,
    '',
  ];
  for (const e of src.events) {
    const view = viewOf(e, src.related);
    if (!view) continue;
    // Lines after the first are indented, so every entry starts at its time.
    const text = entryText(e, view, src.name).replace(/\r?\n/g, '\n    ');
    lines.push(`[${stamp(e.timestamp)}] ${text}`);
  }
  return `${lines.join('\n')}\n`;
}

interface ExportedEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  state_key?: string;
  content: JSONObject;
  /** The content its latest edit gives it (m.new_content), when edited. */
  edited_content?: JSONObject;
  /** True when deleted: its content is what is left. */
  redacted?: true;
}

export function exportAsJson(src: ExportSource): string {
  const events: ExportedEvent[] = src.events.map((e) => {
    const out: ExportedEvent = { event_id: e.event_id, type: effectiveType(e), sender: e.sender, origin_server_ts: e.timestamp,
      content: effectiveContent(e) };
    if (e.state_key !== undefined) out.state_key = e.state_key;
    const edit = editOf(e, src.related);
    const replaced = edit ? effectiveContent(edit)['m.new_content'] : undefined;
    if (replaced && typeof replaced === 'object' && !Array.isArray(replaced)) out.edited_content = replaced;
    if (e.redacted_by) out.redacted = true;
    return out;
  });
  return `${JSON.stringify({
    room_id: src.roomId, room_name: src.roomName, exported_by: src.exportedBy, export_date: src.at.toISOString(),
    from_start: src.fromStart, events,
  }, null, 2)}\n`;
}

/** "Design review - 2026-11-27.txt": the room's name made safe for any file system. */
export function exportFileName(roomName: string, format: ExportFormat, at: Date): string {
  // Characters Windows refuses in a name, and control characters (code points below 32).
  const safe = [...roomName].map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? ' ' : c)).join('').replace(/\s+/g, ' ').trim().slice(0, 80) || 'Room';
  return `${safe} - ${stamp(at.getTime()).slice(0, 10)}.${format === 'text' ? 'txt' : format}`;
}
