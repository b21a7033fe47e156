/**
 * "Export chat" as a web page, as Element's HTML export in spirit: one self-contained file to read in any browser,
 * offline. Messages keep their formatting (the backend's sanitized HTML, as the timeline shows it), with the sender's
 * name, the time, "(edited)", a link back to the message a reply answers (or the thread's first message, for a reply
 * in a thread) and the reactions counted under each message; room changes are quiet lines between them, and each day
 * has its heading. Pictures are in the file as data: URLs when they were gathered (chat-export-pictures.ts); other
 * attachments are named, not included. The file can neither run nor load anything: its Content-Security-Policy
 * allows only its own inline styles and data: images (an image inside a formatted message, an mxc: URL, shows its alt
 * text), and everything that is not the backend's sanitized HTML is escaped. Pure, so it is unit-tested; chat-export-format.ts holds the other formats.
 */
import { escapeHtml } from '../../../shared/escape-html.ts';
import { effectiveType } from '../../../shared/event-cleartext.ts';
import type { Event } from '../../../shared/rpc/types.ts';
import { annotation } from '../../api/relations.ts';
import { threadRootOf } from '../../api/threads.ts';
import { mediaText, stamp, viewOf, type ExportSource } from './chat-export-format.ts';
import type { ExportPictures } from './chat-export-pictures.ts';
import { messageBodyText, type EventView } from './event-view.ts';

/** Escaped, with its line breaks kept. */
const textBlock = (s: string): string => escapeHtml(s).replace(/\r?\n/g, '<br>');

/** A reply's quote of what it answers, at most this many characters. */
const QUOTE_CHARS = 120;
/** A message within this long of the previous one from the same sender is shown under it, without the name again. */
const CONTINUATION_MS = 10 * 60_000;

const STYLE = `
  :root { color-scheme: light dark; --fg: #1b1d22; --muted: #5f6672; --bg: #fff; --line: #e3e6ea; --chip: #f1f3f5; --link: #0b62c4; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #e6e8eb; --muted: #9aa1ab; --bg: #15171b; --line: #2b2f36; --chip: #23262c; --link: #6cb0ff; }
  }
  body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main, header { max-width: 860px; margin: 0 auto; padding: 0 20px; }
  header { padding-top: 24px; border-bottom: 1px solid var(--line); padding-bottom: 12px; }
  h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
  header p { margin: 0; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
  h2 { font-size: 13px; color: var(--muted); text-align: center; margin: 20px 0 8px; font-weight: 600; }
  a { color: var(--link); }
  .msg { display: grid; grid-template-columns: 52px 1fr; column-gap: 8px; padding: 2px 0; }
  .msg.first { margin-top: 8px; }
  .msg time { color: var(--muted); font-size: 12px; padding-top: 2px; font-variant-numeric: tabular-nums; }
  .msg:target { background: var(--chip); border-radius: 6px; }
  .sender { font-weight: 600; }
  .body { overflow-wrap: anywhere; min-width: 0; }
  .body p { margin: 0 0 4px; }
  .body pre { background: var(--chip); padding: 8px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
  .body code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
  .body blockquote { margin: 4px 0; padding-left: 10px; border-left: 3px solid var(--line); color: var(--muted); }
  .body img { max-height: 1.4em; vertical-align: middle; }
  .body [data-mx-spoiler] { background: var(--muted); color: transparent; border-radius: 3px; }
  .body [data-mx-spoiler]:hover { background: none; color: inherit; }
  .notice { color: var(--muted); }
  .muted, .edited { color: var(--muted); }
  .edited { font-size: 12px; }
  .body img.picture { display: block; max-width: min(100%, 480px); max-height: 480px; width: auto; height: auto; border-radius: 8px; margin: 2px 0; }
  .media { display: inline-block; background: var(--chip); border-radius: 6px; padding: 2px 8px; }
  .reply { display: block; font-size: 13px; color: var(--muted); border-left: 3px solid var(--line); padding-left: 8px; margin: 2px 0; text-decoration: none; overflow-wrap: anywhere; }
  .reactions { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 2px; }
  .reactions span { background: var(--chip); border-radius: 10px; padding: 0 8px; font-size: 13px; }
  .state { color: var(--muted); font-size: 13px; text-align: center; margin: 6px 0; overflow-wrap: anywhere; }
`;

/** One reaction key under a message: who reacted with it, and a custom emoji's shortcode when a reaction gave one. */
interface ReactionKey { who: Set<string>; shortcode?: string }

/** Target event ID → reaction key → who reacted, from the export's own (not deleted) reactions. */
function reactionsOf(events: readonly Event[]): Map<string, Map<string, ReactionKey>> {
  const out = new Map<string, Map<string, ReactionKey>>();
  for (const e of events) {
    if (effectiveType(e) !== 'm.reaction' || e.redacted_by) continue;
    const a = annotation(e);
    if (!a) continue;
    let keys = out.get(a.target);
    if (!keys) out.set(a.target, keys = new Map<string, ReactionKey>());
    let k = keys.get(a.key);
    if (!k) keys.set(a.key, k = { who: new Set<string>() });
    k.who.add(e.sender);
    if (typeof e.content.shortcode === 'string') k.shortcode ??= e.content.shortcode;
  }
  return out;
}

/** A reaction's key as shown: a custom emoji (an mxc: URL) by its shortcode where a reaction gives one. */
function reactionLabel(key: string, shortcode: string | undefined): string {
  if (!key.startsWith('mxc://')) return key;
  return shortcode ? `:${shortcode.replace(/^:|:$/g, '')}:` : 'Custom emoji';
}

type MessageView = Extract<EventView, { kind: 'message' }>;

/**
 * A message's body: its picture (a data: URL) or its attachment's name, then its sanitized HTML where it has one,
 * else its text escaped.
 */
function messageBody(view: MessageView, picture: string | undefined): string {
  const parts: string[] = [];
  const m = view.media;
  if (m && picture) {
    const size = m.width && m.height ? ` width="${m.width}" height="${m.height}"` : '';
    parts.push(`<img class="picture" src="${escapeHtml(picture)}" alt="${escapeHtml(m.name)}" title="${escapeHtml(m.name)}"${size}>`);
  } else if (m) parts.push(`<span class="media">${escapeHtml(mediaText(m))}</span>`);
  if (view.html) parts.push(view.html);
  else if (view.body || !view.media) parts.push(textBlock(messageBodyText(view)));
  return parts.join('<br>') + (view.edited ? ' <span class="edited">(edited)</span>' : '');
}

/** Who said what, in brief, for a line that points at it: "Bob: what he said". */
function saidBy(target: Event, src: ExportSource): string {
  const tv = viewOf(target, src.related);
  const said = tv?.kind === 'message' ? messageBodyText(tv).replace(/\s+/g, ' ').trim() : tv?.kind === 'deleted' ? 'a deleted message' : '';
  const quote = said.length > QUOTE_CHARS ? `${said.slice(0, QUOTE_CHARS - 1)}…` : said;
  return `${escapeHtml(src.name(target.sender))}${quote ? `: ${escapeHtml(quote)}` : ''}`;
}

/**
 * "In reply to Bob: what he said", or for a reply in a thread "In the thread of Bob: its first message", linked to
 * that message when the export holds it.
 */
function replyLine(e: Event, view: EventView, byId: ReadonlyMap<string, { e: Event; anchor: string }>, src: ExportSource): string {
  if (view.kind !== 'message') return '';
  const root = view.replyTo ? undefined : threadRootOf(e);
  const id = view.replyTo ?? root;
  if (!id) return '';
  const target = byId.get(id);
  if (!target) return `<span class="reply">${root ? 'In a thread that began before this export' : 'In reply to a message before this export'}</span>`;
  return `<a class="reply" href="#${target.anchor}">${root ? 'In the thread of' : 'In reply to'} ${saidBy(target.e, src)}</a>`;
}

/** The reactions under a message: each key with how many reacted, their names on hover. */
function reactionLine(keys: ReadonlyMap<string, ReactionKey> | undefined, src: ExportSource): string {
  if (!keys?.size) return '';
  const chips = [...keys].map(([key, { who, shortcode }]) => {
    const names = [...who].map((id) => src.name(id)).join(', ');
    return `<span title="${escapeHtml(names)}">${escapeHtml(reactionLabel(key, shortcode))} ${who.size}</span>`;
  });
  return `<div class="reactions">${chips.join('')}</div>`;
}

export function exportAsHtml(src: ExportSource, pictures?: ExportPictures): string {
  const reactions = reactionsOf(src.events);
  const byId = new Map(src.events.map((e, i) => [e.event_id, { e, anchor: `m${i}` }]));
  const out: string[] = [];
  let day = '';
  let last: { sender: string; at: number } | null = null;
  for (const e of src.events) {
    const view = viewOf(e, src.related);
    if (!view) continue;
    const when = stamp(e.timestamp);
    if (when.slice(0, 10) !== day) {
      day = when.slice(0, 10);
      const heading = new Date(e.timestamp).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
      out.push(`<h2>${escapeHtml(heading)}</h2>`);
      last = null;
    }
    const time = `<time datetime="${new Date(e.timestamp).toISOString()}" title="${when}">${when.slice(11)}</time>`;
    if (view.kind === 'state') {
      out.push(`<p class="state">${escapeHtml(view.text((id, then) => then ?? src.name(id)))} · ${when.slice(11)}</p>`);
      last = null;
      continue;
    }
    const continued = last !== null && last.sender === e.sender && e.timestamp - last.at < CONTINUATION_MS;
    last = { sender: e.sender, at: e.timestamp };
    const name = escapeHtml(src.name(e.sender));
    let body: string;
    if (view.kind === 'deleted') body = '<em class="muted">Message deleted</em>';
    else if (view.kind === 'encrypted') body = `<em class="muted">Encrypted message: ${escapeHtml(view.reason.toLowerCase())}</em>`;
    else {
      const text = messageBody(view, pictures?.pictures.get(e.event_id));
      body = view.msgtype === 'm.emote' ? `* ${name} ${text}` : view.msgtype === 'm.notice' ? `<span class="notice">${text}</span>` : text;
    }
    const head = continued || (view.kind === 'message' && view.msgtype === 'm.emote') ? '' : `<div class="sender">${name}</div>`;
    const anchor = byId.get(e.event_id)?.anchor ?? '';
    out.push(`<div class="msg${continued ? '' : ' first'}" id="${anchor}">${time}<div class="body">${head}${replyLine(e, view, byId, src)}${body}${reactionLine(reactions.get(e.event_id), src)}</div></div>`);
  }
  const range = src.fromStart ? 'from the start of the room' : 'the latest messages';
  const skipped = pictures?.skipped ?? 0;
  const attachments = !pictures ? 'Attachments are named, not included.'
    : `Pictures are included, other attachments named.${skipped ? ` ${skipped === 1 ? 'One picture' : `${skipped} pictures`} could not be included (too large, or not to be had from the homeserver) and ${skipped === 1 ? 'is' : 'are'} named instead.` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(src.roomName)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(src.roomName)}</h1>
<p>${escapeHtml(src.roomId)} · Exported by ${escapeHtml(src.exportedBy)} on ${stamp(src.at.getTime())} with Lattice, ${range}. ${attachments}</p>
</header>
<main>
${out.join('\n')}
</main>
</body>
</html>
`;
}

