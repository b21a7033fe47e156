/**
 * What an event looks like in the timeline, in words: decides visibility, the text or HTML to show, and the
 * one-line form used by the room list preview. Pure so it is unit-tested.
 */
import { isolateBidi } from '../../../shared/display-name.ts';
import type { Event, JSONObject, JSONValue } from '../../../shared/rpc/types.ts';

export type EventView =
  | { kind: 'message'; msgtype: string; body: string; html: string | null; edited: boolean }
  | { kind: 'deleted' }
  | { kind: 'encrypted'; reason: string }
  /** A membership/room change, shown as a short centered line; `actor` is prefixed by the renderer. */
  | { kind: 'state'; text: (name: NameOf) => string };

/**
 * How a state line names someone: by `nameThen` (the name the event itself carries) if given, else the current
 * one; either way disambiguated and isolated for bidirectional text by the caller.
 */
export type NameOf = (userId: string, nameThen?: string) => string;

const MESSAGE_TYPES = new Set(['m.room.message', 'm.sticker']);

export function effectiveType(e: Event): string {
  return e.decrypted_type ?? e.type;
}

export function effectiveContent(e: Event): JSONObject {
  return e.decrypted ?? e.content;
}

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isRedacted(e: Event): boolean {
  return !!e.redacted_by || Object.keys(e.content ?? {}).length === 0;
}

/**
 * `edit` is the event named by `last_edit_rowid`, when we hold it: its `m.new_content` replaces the body.
 * Returns null for events the timeline hides.
 */
export function viewEvent(e: Event, edit?: Event): EventView | null {
  if (e.relation_type === 'm.replace') return null; // edits show through their target
  const type = effectiveType(e);

  if (type === 'm.room.encrypted' && !e.decrypted) {
    if (isRedacted(e)) return { kind: 'deleted' };
    return { kind: 'encrypted', reason: e.decryption_error ? `Unable to decrypt: ${e.decryption_error}` : 'Waiting for the key to decrypt this message' };
  }
  if (MESSAGE_TYPES.has(type)) {
    if (isRedacted(e) && !e.decrypted) return { kind: 'deleted' };
    let content = effectiveContent(e);
    let html = e.local_content?.sanitized_html ?? null;
    let edited = false;
    const newContent = edit ? effectiveContent(edit)['m.new_content'] : undefined;
    if (edit && newContent && typeof newContent === 'object' && !Array.isArray(newContent) && !edit.redacted_by) {
      content = newContent;
      html = edit.local_content?.sanitized_html ?? null;
      edited = true;
    }
    const msgtype = type === 'm.sticker' ? 'm.sticker' : str(content.msgtype) ?? 'm.text';
    const body = str(content.body) ?? '';
    return { kind: 'message', msgtype, body, html: html === '' ? null : html, edited };
  }
  if (isRedacted(e) && type !== 'm.room.member') return null;
  const content = effectiveContent(e);
  switch (type) {
    case 'm.room.member':
      return memberView(e, content);
    case 'm.room.name': {
      const name = isolated(str(content.name));
      return { kind: 'state', text: (n) => (name ? `${n(e.sender)} changed the room name to ${name}` : `${n(e.sender)} removed the room name`) };
    }
    case 'm.room.topic': {
      const topic = isolated(str(content.topic));
      return { kind: 'state', text: (n) => (topic ? `${n(e.sender)} changed the topic to "${topic}"` : `${n(e.sender)} removed the topic`) };
    }
    case 'm.room.create':
      return { kind: 'state', text: (n) => `${n(e.sender)} created the room` };
    default:
      return null;
  }
}

function isolated(name: string | undefined): string | undefined {
  return name === undefined ? undefined : isolateBidi(name);
}

function memberView(e: Event, content: JSONObject): EventView | null {
  const target = e.state_key ?? e.sender;
  const membership = str(content.membership);
  const prevContent = e.unsigned?.prev_content;
  const prev = prevContent && typeof prevContent === 'object' && !Array.isArray(prevContent) ? prevContent : {};
  const prevMembership = str(prev.membership);
  const self = target === e.sender;
  // Names from the event itself (not the member list), disambiguated and isolated by `n` like every other name.
  const newName = str(content.displayname);
  const oldName = str(prev.displayname);
  switch (membership) {
    case 'join':
      if (prevMembership === 'join') {
        if (newName !== oldName) {
          return {
            kind: 'state',
            // With the user ID: a rename is how someone would take on another member's name.
            text: (n) => (newName
              ? `${isolated(oldName) ?? n(target)} (${target}) changed their display name to ${n(target, newName)}`
              : `${isolated(oldName) ?? n(target)} (${target}) removed their display name`),
          };
        }
        return null; // avatar-only changes are noise
      }
      return { kind: 'state', text: (n) => `${n(target, newName)} joined the room` };
    case 'leave':
      if (prevMembership === 'invite' && self) return { kind: 'state', text: (n) => `${n(target)} declined the invitation` };
      if (prevMembership === 'ban') return { kind: 'state', text: (n) => `${n(e.sender)} unbanned ${n(target)}` };
      if (self) return { kind: 'state', text: (n) => `${n(target, oldName)} left the room` };
      return { kind: 'state', text: (n) => `${n(e.sender)} removed ${n(target, oldName)}` };
    case 'invite':
      return { kind: 'state', text: (n) => `${n(e.sender)} invited ${n(target, newName)}` };
    case 'ban':
      return { kind: 'state', text: (n) => `${n(e.sender)} banned ${n(target, oldName)}` };
    case 'knock':
      return { kind: 'state', text: (n) => `${n(target)} asked to join` };
    default:
      return null;
  }
}

/**
 * The room list's one-line preview: "Alice: hello", "* Alice waves", "Alice joined the room". In a DM the other
 * person's messages need no name (`omitSenderOf`), as in most chat apps.
 */
export function previewText(e: Event | undefined, name: (userId: string) => string, edit?: Event, omitSenderOf?: string): string {
  if (!e) return '';
  const view = viewEvent(e, edit);
  if (!view) return '';
  const prefix = e.sender === omitSenderOf ? '' : `${name(e.sender)}: `;
  switch (view.kind) {
    case 'deleted':
      return `${prefix}Message deleted`;
    case 'encrypted':
      return `${prefix}Encrypted message`;
    case 'state':
      return view.text(name);
    case 'message': {
      const body = oneLine(messageBodyText(view));
      return view.msgtype === 'm.emote' ? `* ${name(e.sender)} ${body}` : `${prefix}${body}`;
    }
  }
}

function messageBodyText(view: Extract<EventView, { kind: 'message' }>): string {
  if (view.body) return view.body;
  switch (view.msgtype) {
    case 'm.image': return 'Image';
    case 'm.video': return 'Video';
    case 'm.audio': return 'Audio';
    case 'm.file': return 'File';
    case 'm.sticker': return 'Sticker';
    default: return '';
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
