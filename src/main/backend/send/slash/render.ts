/**
 * Turns a parsed composer message (slash/actions.ts `message`) into m.room.message content, the way gomuks'
 * send_message does for its prefixes: markdown by default, `/plain` as is, `/html` as raw (sanitized) HTML, and
 * `/rainbow` as markdown with every visible character coloured along the hue circle. The backend's sender binds
 * this to SlashOperations.sendMessage.
 */
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../../../../shared/escape-html.ts';
import { sanitizeOutgoingHtml } from '../../html/sanitize.ts';
import { renderMarkdown } from '../markdown.ts';
import type { SendMessageAction } from './actions.ts';

export interface RenderedMessage {
  content: { msgtype: string; body: string; format?: 'org.matrix.custom.html'; formatted_body?: string };
  unencrypted: boolean;
  /** origin_server_ts to request, when /timestamp was used. */
  timestamp?: number;
}

const HTML = 'org.matrix.custom.html' as const;

export function renderSlashMessage(m: SendMessageAction): RenderedMessage {
  const content = renderContent(m);
  if (m.rawInputBody) content.body = m.text;
  return { content, unencrypted: m.unencrypted, ...(m.timestamp === undefined ? {} : { timestamp: m.timestamp }) };
}

function renderContent(m: SendMessageAction): RenderedMessage['content'] {
  switch (m.format) {
    case 'markdown':
      return { ...renderMarkdown(m.text), msgtype: m.msgtype };
    case 'plain':
      return { msgtype: m.msgtype, body: m.text };
    case 'html': {
      const html = sanitizeOutgoingHtml(m.text.replace(/\n/g, '<br>'));
      return { msgtype: m.msgtype, body: htmlToText(html), format: HTML, formatted_body: html };
    }
    case 'rainbow': {
      const md = renderMarkdown(m.text);
      const html = md.formatted_body ?? escapeHtml(m.text).replace(/\n/g, '<br>');
      return { msgtype: m.msgtype, body: md.body, format: HTML, formatted_body: rainbow(html) };
    }
    default:
      return unreachable(m.format);
  }
}

function unreachable(x: never): never {
  throw new Error(`unknown message format ${String(x)}`);
}

/** The text of sanitized HTML, for `body`: line breaks kept, tags dropped, entities decoded. */
function htmlToText(html: string): string {
  const text = sanitizeHtml(html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n'), { allowedTags: [], allowedAttributes: {} });
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '').trim();
}

/**
 * Colours every visible character of trusted, well-formed HTML (our own markdown output): text between tags is
 * split into characters (an entity counts as one), each wrapped in <font color>. Code is left as is.
 */
export function rainbow(html: string): string {
  const parts = html.split(/(<[^>]*>)/);
  const textChars = (s: string) => s.match(/&[^;\s]+;|[\s\S]/gu) ?? [];
  let inCode = 0;
  let total = 0;
  for (const p of parts) {
    if (p.startsWith('<')) inCode += /^<(code|pre)\b/i.test(p) ? 1 : /^<\/(code|pre)>/i.test(p) ? -1 : 0;
    else if (inCode === 0) total += textChars(p).filter((c) => !/^\s$/.test(c)).length;
  }
  let i = 0;
  inCode = 0;
  return parts.map((p) => {
    if (p.startsWith('<')) {
      inCode += /^<(code|pre)\b/i.test(p) ? 1 : /^<\/(code|pre)>/i.test(p) ? -1 : 0;
      return p;
    }
    if (inCode > 0) return p;
    return textChars(p).map((c) => (/^\s$/.test(c) ? c : `<font color="${hue((i++ / Math.max(total, 1)) * 360)}">${c}</font>`)).join('');
  }).join('');
}

/** A fully saturated colour at `h` degrees, as #rrggbb. */
function hue(h: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = 0.5 - 0.5 * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
