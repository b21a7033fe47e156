/**
 * What an event looks like in the timeline, in words: decides visibility, the text or HTML to show, and the
 * one-line form used by the room list preview. Pure so it is unit-tested.
 */
import { htmlToPlainText } from '../../../shared/html-text.ts';
import { stripReplyFallbackBody, stripReplyFallbackHtml } from '../../../shared/reply-fallback.ts';
import { isolateBidi } from '../../../shared/display-name.ts';
import type { Event, JSONObject, JSONValue } from '../../../shared/rpc/types.ts';
import { effectiveContent, effectiveType } from '../../../shared/event-cleartext.ts';
import { extraOf, POLL_START_TYPES, type ExtraView } from './extra-kinds.ts';
import { linkPreviewsOf, type LinkPreviewView } from './link-preview-model.ts';
import { callEventText, parseCallSignal, type CallContext } from '../../api/call-signals.ts';

/** An attachment: what to show and where to load it (mxc:// URIs; the renderer asks its host for them). */
export interface MediaView {
  kind: 'image' | 'video' | 'audio' | 'file' | 'sticker';
  mxc: string | undefined;
  thumbnailMxc: string | undefined;
  /** File name or caption-less body. */
  name: string;
  mimetype: string | undefined;
  size: number | undefined;
  width: number | undefined;
  height: number | undefined;
  /** Encrypted attachments need the backend's decryption, which the media route does not do yet. */
  encrypted: boolean;
  /**
   * A voice message (MSC3245's marker): its length in ms (`info.duration`, else MSC1767's audio block) and MSC3246
   * waveform (whole numbers from 0 to 1024), each when the event has a usable one.
   */
  voice?: { durationMs: number | undefined; waveform: number[] | undefined };
}

export type EventView =
  | {
    kind: 'message'; msgtype: string; body: string; html: string | null; edited: boolean;
    /** The event ID this message replies to (m.in_reply_to), its fallback already removed from body and html. */
    replyTo: string | null;
    media: MediaView | null;
    /** A location or a poll (absent for everything else). */
    extra?: ExtraView;
    /** Bundled link previews (MSC4095) when the message carries the list (empty: it says it has none). */
    linkPreviews?: LinkPreviewView[];
  }
  | { kind: 'deleted' }
  | { kind: 'encrypted'; reason: string }
  /**
   * A membership/room change or a call's start and end, shown as a short centered line; a call's end is worded from
   * the room's other call events (`calls`: was it answered, and when).
   */
  | { kind: 'state'; text: (name: NameOf, calls?: CallContext) => string };

/**
 * How a state line names someone: by `nameThen` (the name the event itself carries) if given, else the current
 * one; either way disambiguated and isolated for bidirectional text by the caller.
 */
export type NameOf = (userId: string, nameThen?: string) => string;

const MESSAGE_TYPES = new Set(['m.room.message', 'm.sticker']);

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The user an in-room m.key.verification.request asks, if `content` is one. */
function verificationRequestTo(content: JSONObject): string | undefined {
  return content.msgtype === 'm.key.verification.request' ? str(content.to) ?? '' : undefined;
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
  // An emoji verification asked in the room: its body is a fallback for clients without it; the dialog does the rest.
  const requestTo = type === 'm.room.message' && !isRedacted(e) ? verificationRequestTo(effectiveContent(e)) : undefined;
  if (requestTo !== undefined) {
    return { kind: 'state', text: (name) => (requestTo ? `${name(e.sender)} asked ${name(requestTo)} to verify each other` : `${name(e.sender)} asked to verify`) };
  }
  if (MESSAGE_TYPES.has(type) || POLL_START_TYPES.has(type)) {
    if (isRedacted(e) && !e.decrypted) return { kind: 'deleted' };
    let content = effectiveContent(e);
    let html = e.local_content?.sanitized_html ?? null;
    let edited = false;
    // The event whose content is shown: an encrypted link preview's picture is looked up in it.
    let carrier = e.event_id;
    const newContent = edit ? effectiveContent(edit)['m.new_content'] : undefined;
    if (edit && newContent && typeof newContent === 'object' && !Array.isArray(newContent) && !edit.redacted_by) {
      content = newContent;
      html = edit.local_content?.sanitized_html ?? null;
      edited = true;
      carrier = edit.event_id;
    }
    const msgtype = type === 'm.sticker' ? 'm.sticker' : POLL_START_TYPES.has(type) ? 'm.poll' : str(content.msgtype) ?? 'm.text';
    const extra = extraOf(type, msgtype, content);
    let body = str(content.body) ?? '';
    const replyTo = replyTarget(effectiveContent(e));
    // gomuks strips the fallback at ingest and says so; a backend that does not still gets a clean message.
    if (replyTo && !e.local_content?.reply_fallback_removed) {
      body = stripReplyFallbackBody(body);
      if (html !== null) html = stripReplyFallbackHtml(html);
    }
    const media = mediaOf(msgtype, content);
    // A file's body is its name, shown on the attachment; only a caption (filename set apart) is text.
    if (media && (str(content.filename) === undefined || str(content.filename) === body)) {
      body = '';
      html = null;
    }
    // A poll's question and answers (a location's description) show in its own box; the body would repeat them.
    // A location's body that only names its geo: URI is a fallback too.
    if (extra?.kind === 'poll' || (extra?.kind === 'location' && (extra.description === body || body.includes(extra.uri)))) { body = ''; html = null; }
    const linkPreviews = linkPreviewsOf(content, carrier);
    return {
      kind: 'message', msgtype, body, html: html === '' ? null : html, edited, replyTo, media,
      ...(extra ? { extra } : {}), ...(linkPreviews ? { linkPreviews } : {}),
    };
  }
  if (isRedacted(e) && type !== 'm.room.member') return null;
  if (type.startsWith('m.call.')) {
    const sig = parseCallSignal(e);
    // Only invites, declines and hang-ups have a line; candidates, answers and answer selections are machinery.
    if (!sig || callEventText(sig, () => '', undefined) === null) return null;
    return { kind: 'state', text: (n, calls) => callEventText(sig, n, calls) ?? '' };
  }
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
    case 'm.room.avatar':
      return { kind: 'state', text: (n) => (str(content.url) ? `${n(e.sender)} changed the room avatar` : `${n(e.sender)} removed the room avatar`) };
    case 'm.room.canonical_alias': {
      const alias = str(content.alias);
      return { kind: 'state', text: (n) => (alias ? `${n(e.sender)} set the room address to ${alias}` : `${n(e.sender)} removed the room address`) };
    }
    case 'm.room.encryption':
      return { kind: 'state', text: (n) => `${n(e.sender)} turned on end-to-end encryption` };
    case 'm.room.join_rules': {
      const rule = str(content.join_rule);
      const words: Record<string, string> = {
        public: 'anyone can join', invite: 'people join by invitation only', knock: 'people can ask to join',
        restricted: 'members of allowed spaces can join', knock_restricted: 'members of allowed spaces can join, others can ask',
      };
      return { kind: 'state', text: (n) => `${n(e.sender)} changed who can join: ${words[rule ?? ''] ?? rule ?? 'unknown'}` };
    }
    case 'm.room.history_visibility': {
      const vis = str(content.history_visibility);
      const words: Record<string, string> = {
        world_readable: 'anyone', shared: 'all members', invited: 'members since they were invited', joined: 'members since they joined',
      };
      return { kind: 'state', text: (n) => `${n(e.sender)} made future history visible to ${words[vis ?? ''] ?? vis ?? 'unknown'}` };
    }
    case 'm.room.power_levels':
      return { kind: 'state', text: (n) => `${n(e.sender)} changed the power levels` };
    case 'm.room.pinned_events':
      return { kind: 'state', text: (n) => `${n(e.sender)} changed the pinned messages` };
    case 'm.room.server_acl':
      return { kind: 'state', text: (n) => `${n(e.sender)} changed the server access list` };
    case 'm.room.tombstone':
      return { kind: 'state', text: (n) => `${n(e.sender)} upgraded this room${str(content.body) ? `: ${str(content.body)}` : ''}` };
    default:
      return null;
  }
}

function obj(v: JSONValue | undefined): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** The replied-to event ID from `m.relates_to.m.in_reply_to`, ignoring thread fallbacks' falling-back replies. */
export function replyTarget(content: JSONObject): string | null {
  const rel = obj(content['m.relates_to']);
  if (!rel) return null;
  if (rel.rel_type === 'm.thread' && rel.is_falling_back === true) return null;
  return str(obj(rel['m.in_reply_to'])?.event_id) ?? null;
}

const MEDIA_KINDS: Record<string, MediaView['kind']> = {
  'm.image': 'image', 'm.video': 'video', 'm.audio': 'audio', 'm.file': 'file', 'm.sticker': 'sticker',
};

function mediaOf(msgtype: string, content: JSONObject): MediaView | null {
  const kind = MEDIA_KINDS[msgtype];
  if (!kind) return null;
  const info = obj(content.info) ?? {};
  const file = obj(content.file);
  const thumbFile = obj(info.thumbnail_file);
  const num = (v: JSONValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
  return {
    kind,
    mxc: str(content.url) ?? str(file?.url),
    thumbnailMxc: str(info.thumbnail_url) ?? str(thumbFile?.url),
    name: str(content.filename) ?? str(content.body) ?? '',
    mimetype: str(info.mimetype),
    size: num(info.size),
    width: num(info.w),
    height: num(info.h),
    encrypted: file !== undefined,
    ...(kind === 'audio' && obj(content['org.matrix.msc3245.voice']) ? { voice: voiceOf(content, info) } : {}),
  };
}

/** The most MSC3246 samples read from an event (more are a sender's mistake; drawing them would only cost). */
const MAX_WAVEFORM = 1000;

function voiceOf(content: JSONObject, info: JSONObject): NonNullable<MediaView['voice']> {
  const audio = obj(content['org.matrix.msc1767.audio']) ?? {};
  const ms = (v: JSONValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : undefined);
  const samples = Array.isArray(audio.waveform) ? audio.waveform.slice(0, MAX_WAVEFORM) : [];
  const waveform = samples.length > 0 && samples.every((n) => typeof n === 'number' && Number.isFinite(n))
    ? (samples as number[]).map((n) => Math.max(0, Math.min(1024, Math.round(n))))
    : undefined;
  return { durationMs: ms(info.duration) ?? ms(audio.duration), waveform };
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
export function previewText(e: Event | undefined, name: (userId: string) => string, edit?: Event, omitSenderOf?: string,
  calls?: CallContext): string {
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
      return view.text(name, calls);
    case 'message': {
      const body = oneLine(messageBodyText(view));
      return view.msgtype === 'm.emote' ? `* ${name(e.sender)} ${body}` : `${prefix}${body}`;
    }
  }
}

/** A message's text in brief: its formatted text where it has one (the body may be markdown source), else its body. */
export function messageBodyText(view: Extract<EventView, { kind: 'message' }>): string {
  if (view.html) {
    const text = htmlToPlainText(view.html);
    if (text) return text;
  }
  if (view.body) return view.body;
  if (view.media?.voice) return 'Voice message';
  if (view.media?.name) return view.media.name;
  if (view.extra?.kind === 'poll') return `Poll: ${view.extra.question}`;
  if (view.extra?.kind === 'location') return `Location: ${view.extra.description || `${view.extra.lat.toFixed(5)}, ${view.extra.lon.toFixed(5)}`}`;
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
