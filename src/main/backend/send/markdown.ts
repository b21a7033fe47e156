/**
 * Turns what the user typed into m.room.message text fields: markdown → formatted_body, when it adds anything
 * (maths included, see markdown-math.ts).
 */
import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../../../shared/escape-html.ts';
import { sanitizeOutgoingHtml } from '../html/sanitize.ts';
import { markdownMath } from './markdown-math.ts';

let md: MarkdownIt | undefined;

/**
 * markdown-it is loaded on the first message sent, not when the backend starts: a session that only reads never
 * needs it, and the worker's start is about 20 ms shorter without it (medians of 15 starts each way on a warm
 * compile cache: 189 against 212 ms). Its CommonJS build loads synchronously, so everything that renders stays
 * synchronous; the first send pays the load once.
 */
function renderer(): MarkdownIt {
  if (!md) {
    const MarkdownItClass = createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt;
    // Raw HTML typed by the user is shown as text, not interpreted: markdown is the input language.
    md = new MarkdownItClass({ html: false, linkify: true, breaks: true, typographer: false });
    md.use(markdownMath);
    const image = md.renderer.rules.image;
    md.renderer.rules.image = (tokens, idx, options, env, self) => {
      const emoticon = emoticonImage(tokens[idx].attrGet('src'), tokens[idx].attrGet('title'));
      if (emoticon) return emoticon;
      return image ? image(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    };
  }
  return md;
}

/**
 * Custom emoji (MSC2545). The composer writes a picked pack emoji as a markdown image titled `Emoji: :name:`
 * (`![:name:](mxc://… "Emoji: :name:")`), which is sent as the spec's emoticon: an inline `<img data-mx-emoticon>`
 * at text height, named by its shortcode (its alt and tooltip), and `:name:` in the plain body. The title carries
 * the name because markdown would read `_` or `*` in the alt text as emphasis and drop them.
 */
const EMOTICON_TITLE = /^Emoji: (:[^\s:]{1,100}:)$/u;
const EMOTICON_HEIGHT = 32;

function emoticonImage(src: string | null, title: string | null): string | null {
  const name = title ? EMOTICON_TITLE.exec(title)?.[1] : undefined;
  if (!name || !src?.startsWith('mxc://')) return null;
  const n = escapeHtml(name);
  return `<img data-mx-emoticon src="${escapeHtml(src)}" alt="${n}" title="${n}" height="${EMOTICON_HEIGHT}">`;
}

/** The markdown the composer writes for a custom emoji (see emoticonImage), for the plain body. */
const EMOTICON_MARKDOWN = /!\[(?:\\.|[^\]\\])*\]\(mxc:\/\/[^\s)]+ "Emoji: ((?:\\.|[^"\\])*)"\)/g;

export interface TextContent {
  msgtype: 'm.text' | 'm.emote' | 'm.notice';
  body: string;
  format?: 'org.matrix.custom.html';
  formatted_body?: string;
}

/** A markdown link to a user (matrix.to or matrix: URI), as the composer inserts a mention pill. */
const USER_PILL = /\[((?:\\.|[^\]\\])*)\]\((?:https:\/\/matrix\.to\/#\/(?:@|%40)|matrix:u\/)[^)\s]*\)/g;
/** Fenced code blocks and code spans, where a pill is text the user wants shown as typed. */
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/;

/**
 * The plain-text body: what was typed, with mention pills as the names they show (as Element and gomuks send it)
 * and custom emoji as their `:shortcode:`, so notifications, room-list previews and clients without HTML read
 * "hello Bob :party:", not markdown.
 */
export function plainBody(text: string): string {
  return text.split(CODE).map((part, i) => (i % 2 === 1 ? part : part
    .replace(USER_PILL, (_m, label: string) => label.replace(/\\(.)/g, '$1'))
    .replace(EMOTICON_MARKDOWN, (_m, name: string) => name.replace(/\\(.)/g, '$1')))).join('');
}

export function renderMarkdown(text: string): TextContent {
  const body = plainBody(text);
  let html = renderer().render(text).trim();
  // A single paragraph needs no <p> around it (that's how Element sends it too).
  const single = /^<p>([\s\S]*)<\/p>$/.exec(html);
  if (single && !single[1].includes('<p>')) html = single[1];
  html = html.replace(/<br>\n/g, '<br>');
  const plainAsHtml = escapeHtml(text).replace(/\n/g, '<br>');
  if (html === plainAsHtml) return { msgtype: 'm.text', body };
  return { msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body: sanitizeOutgoingHtml(html) };
}

export interface MarkdownScan {
  /** Every link target in the text (explicit links and linkified bare URLs), in order. */
  links: string[];
  /** "@room" appears in the text's prose (not inside code or a link). */
  mentionsRoom: boolean;
}

/** What a message's markdown points at, from markdown-it's own parse (so code spans never count). */
export function scanMarkdown(text: string): MarkdownScan {
  const scan: MarkdownScan = { links: [], mentionsRoom: false };
  for (const block of renderer().parse(text, {})) {
    let inLink = 0;
    for (const t of block.children ?? []) {
      if (t.type === 'link_open') {
        inLink++;
        const href = t.attrGet('href');
        if (href) scan.links.push(href);
      } else if (t.type === 'link_close') {
        inLink--;
      } else if (t.type === 'text' && inLink === 0 && /(^|[^\w@])@room\b/.test(t.content)) {
        scan.mentionsRoom = true;
      }
    }
  }
  return scan;
}
