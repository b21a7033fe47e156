/**
 * The link previews under a message: those it bundles (MSC4095), or, for a message that came without the list, the
 * homeserver's previews of its first links, as Element makes them. Those are asked only in rooms that are not
 * encrypted (the homeserver would learn the links of an encrypted conversation), not for notices (bots), and only
 * while the device's "Preview links" preference is on. Each URL is asked once per page load, however often its row
 * is mounted again by the virtualized timeline.
 */
import { useEffect, useState } from 'react';
import type { LinkPreview } from '../../../shared/rpc/index.ts';
import { useRoom, useSession } from '../../api/hooks.ts';
import type { Session } from '../../api/session.ts';
import { usePrefs } from '../prefs.ts';
import type { EventView } from './event-view.ts';
import { LinkPreviews } from './LinkPreviewCard.tsx';
import { asksForPreviews, composerLinks, viewLinkPreview, type LinkPreviewView } from './link-preview-model.ts';

/** Received messages get fewer previews than a sender may bundle: they were not chosen by anyone. */
const MAX_FETCHED = 2;
/** Previews asked this page load, by URL (null: the homeserver has none); the oldest are forgotten past this. */
const CACHE_SIZE = 500;
const asked = new Map<string, Promise<LinkPreview | null>>();
/**
 * The answers already in, so a row the virtualized timeline mounts again shows its cards in its first render: cards
 * appearing a moment after the row was measured would move the timeline.
 */
const answered = new Map<string, LinkPreview | null>();

function previewOf(session: Session, url: string): Promise<LinkPreview | null> {
  let p = asked.get(url);
  if (!p) {
    p = session.client.request('get_url_preview', { url }).catch(() => null).then((got) => {
      // Only while still remembered, so the two maps forget together and stay within CACHE_SIZE.
      if (asked.get(url) === p) answered.set(url, got);
      return got;
    });
    asked.set(url, p);
    if (asked.size > CACHE_SIZE) {
      const oldest = asked.keys().next().value!;
      asked.delete(oldest);
      answered.delete(oldest);
    }
  }
  return p;
}

/** The cards of `links` if every answer is in. */
function answeredViews(links: readonly string[]): LinkPreviewView[] | undefined {
  if (!links.every((l) => answered.has(l))) return undefined;
  return links.map((l) => answered.get(l)).map((p) => (p ? viewLinkPreview(p) : undefined)).filter((v) => v !== undefined);
}

type MessageView = Extract<EventView, { kind: 'message' }>;

export function MessageLinkPreviews({ view, roomId }: { view: MessageView; roomId: string }) {
  const room = useRoom(roomId);
  const { urlPreviews } = usePrefs();
  if (view.linkPreviews !== undefined) return <LinkPreviews previews={view.linkPreviews} />;
  const ask = asksForPreviews(view, { encrypted: !!room?.meta?.encryption_event, preference: urlPreviews });
  return ask ? <FetchedLinkPreviews text={view.body} /> : null;
}

function FetchedLinkPreviews({ text }: { text: string }) {
  const session = useSession();
  const links = composerLinks(text, MAX_FETCHED);
  const key = links.join('\n');
  const [previews, setPreviews] = useState<{ key: string; views: LinkPreviewView[] } | null>(null);
  const known = answeredViews(links);
  useEffect(() => {
    if (!key || answeredViews(key.split('\n'))) return undefined;
    let live = true;
    void Promise.all(key.split('\n').map((url) => previewOf(session, url))).then((got) => {
      if (live) setPreviews({ key, views: got.map((p) => (p ? viewLinkPreview(p) : undefined)).filter((v) => v !== undefined) });
    });
    return () => { live = false; };
  }, [key, session]);
  const views = known ?? (previews?.key === key ? previews.views : undefined);
  return views ? <LinkPreviews previews={views} /> : null;
}
