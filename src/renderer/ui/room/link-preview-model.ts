/**
 * Link previews as the timeline and the composer show them: MSC4095's bundled previews (`com.beeper.linkpreviews`,
 * or a preview the homeserver answered) read into plain text fields, a safe http(s) link and an image with the box
 * it will take, and the links a composer text holds (outside code) that deserve a preview. Pure, so it is
 * unit-tested; nothing from the network becomes HTML.
 */
import LinkifyIt from 'linkify-it';
import { LINK_PREVIEWS_KEY } from '../../../shared/rpc/commands/link-preview.ts';
import type { JSONObject, JSONValue } from '../../../shared/rpc/types.ts';

/** A preview's fields as they come (from an event, or from get_url_preview). */
type PreviewFields = Readonly<Record<string, JSONValue | undefined>>;

export interface LinkPreviewImage {
  mxc: string;
  /** `beeper:image:encryption`: the host decrypts it, as it does encrypted attachments. */
  encrypted: boolean;
  /** For an encrypted picture in a message: the event that carries its key, named in the picture's request. */
  event?: string;
  /** The box the picture is shown in, reserved before it loads so the timeline does not jump. */
  width: number;
  height: number;
  /** A small square beside the text (a logo, a square or unknown-shaped picture) rather than a wide one under it. */
  inline: boolean;
}

export interface LinkPreviewView {
  /** Where the title links to: an http(s) URL, or undefined when the preview names none we would open. */
  href: string | undefined;
  siteName: string | undefined;
  title: string;
  description: string | undefined;
  image: LinkPreviewImage | undefined;
}

/** The widest a preview's picture is shown, and the tallest. */
const MAX_W = 360;
const MAX_H = 240;
const INLINE = 72;
/** A message rarely has more; more cards would push the conversation away. */
const MAX_CARDS = 3;

function str(v: JSONValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function dim(v: JSONValue | undefined): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function obj(v: JSONValue | undefined): JSONObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** An http(s) URL to open, from what a preview says (`example.org/x` without a scheme is taken as https). */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`;
  try {
    const u = new URL(withScheme);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href).hostname.replace(/^www\./, '') || undefined;
  } catch {
    return undefined;
  }
}

/** The box of a preview picture: wide ones under the text scaled into MAX_W×MAX_H, others a small square. */
export function previewImageBox(width: number | undefined, height: number | undefined): Pick<LinkPreviewImage, 'width' | 'height' | 'inline'> {
  if (!width || !height || width / height < 1.2) return { width: INLINE, height: INLINE, inline: true };
  const scale = Math.min(1, MAX_W / width, MAX_H / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), inline: false };
}

/**
 * One preview as shown, or undefined for one with nothing to show (no title and no picture, as gomuks skips).
 * `carrier` is the event it came in, if any (see LinkPreviewImage.event).
 */
export function viewLinkPreview(p: PreviewFields, carrier?: string): LinkPreviewView | undefined {
  const enc = obj(p['beeper:image:encryption']);
  const mxc = enc ? str(enc.url) : str(p['og:image']);
  const image = mxc && /^mxc:\/\/[^/]+\/[^/?#]+$/.test(mxc)
    ? { mxc, encrypted: enc !== undefined, ...(enc && carrier ? { event: carrier } : {}),
      ...previewImageBox(dim(p['og:image:width']), dim(p['og:image:height'])) }
    : undefined;
  const title = str(p['og:title']);
  if (!title && !image) return undefined;
  const href = safeHref(str(p['og:url'])) ?? safeHref(str(p.matched_url));
  return {
    href,
    siteName: str(p['og:site_name']) ?? hostOf(href),
    title: title ?? href ?? str(p.matched_url) ?? '',
    description: str(p['og:description']),
    image,
  };
}

/**
 * The previews a message's content bundles (at most a few to show); undefined when it bundles none at all, an empty
 * list when it says it has none (the sender removed them: no preview is made for it here either). `carrier` is the
 * ID of the event whose content it is (an edit's, for edited content).
 */
export function linkPreviewsOf(content: JSONObject, carrier?: string): LinkPreviewView[] | undefined {
  const list = content[LINK_PREVIEWS_KEY];
  if (!Array.isArray(list)) return undefined;
  const views: LinkPreviewView[] = [];
  for (const item of list) {
    const p = obj(item);
    const v = p && viewLinkPreview(p, carrier);
    if (v) views.push(v);
    if (views.length === MAX_CARDS) break;
  }
  return views;
}

let matcher: LinkifyIt | null = null;
/**
 * The links written out with their scheme (the matcher markdown-it uses, which knows where a URL ends: not at
 * a closing bracket it did not open, nor at the full stop after it). Bare `example.org` is not previewed. Made on
 * first use, not at import.
 */
function linkMatcher(): LinkifyIt {
  matcher ??= new LinkifyIt().set({ fuzzyLink: false, fuzzyEmail: false });
  return matcher;
}

/** How many links of a composer text get a preview (gomuks' composer also previews only the first few). */
export const MAX_COMPOSER_PREVIEWS = 3;

/**
 * The http(s) links in composer text worth previewing, in order, without repeats: not those inside code (a fenced
 * block or `inline code`), not matrix.to (mentions and permalinks show as pills), and only hosts with a dot in
 * their name (or localhost).
 */
export function composerLinks(text: string, max = MAX_COMPOSER_PREVIEWS): string[] {
  const outsideCode = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const found: string[] = [];
  for (const m of linkMatcher().match(outsideCode) ?? []) {
    const href = safeHref(m.url);
    if (!href || /^https?:\/\/matrix\.to\//i.test(href)) continue;
    const host = new URL(href).hostname;
    if (!host.includes('.') && host !== 'localhost') continue;
    if (!found.includes(m.url)) found.push(m.url);
    if (found.length === max) break;
  }
  return found;
}

/**
 * Whether a received message's links are previewed by asking the homeserver (as Element does): only for a message
 * that bundles no list at all, never in an encrypted room (the homeserver would learn the links of an encrypted
 * conversation), not for notices (bots post links by the dozen), and only with the device's preference on.
 */
export function asksForPreviews(msg: { msgtype: string; linkPreviews?: readonly unknown[] }, room: { encrypted: boolean; preference: boolean }): boolean {
  return msg.linkPreviews === undefined && room.preference && !room.encrypted && msg.msgtype !== 'm.notice';
}
