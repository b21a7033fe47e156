/**
 * The mentions view's pages: the stored messages that highlighted (mentioned the user, their name or one of their
 * keywords, as the push rules decided at ingest), across every room, newest first (get_mentions, whose index holds
 * only those). An edit is left out: the message it edits is the mention (listed when it was one), and the edit's own
 * row would show the same words twice.
 */
import type { CommandParams } from '../../shared/rpc/commands.ts';
import type { Event } from '../../shared/rpc/types.ts';

/** Messages per page: a screenful and a half of the dialog. */
export const MENTIONS_PAGE = 30;
/** get_mentions' `type`: unread_type's highlight bit. */
const HIGHLIGHT = 4;

export interface MentionsPage {
  /** What this page brought that earlier pages did not, newest first (edits included: paging goes on from them). */
  fetched: Event[];
  /** Older ones may follow. */
  more: boolean;
}

/**
 * The page after those `fetched` so far (the first page when none), from `ask` (the backend's get_mentions). A page
 * asks from the oldest one fetched on, as get_mentions counts "at or before" it: events sharing that millisecond are
 * not skipped, and the ones already fetched are dropped here. A full page that brings nothing new (more than a page
 * of mentions in one millisecond) ends the paging rather than asking for the same page again.
 */
export async function loadMentions(ask: (params: CommandParams<'get_mentions'>) => Promise<Event[]>, fetched: readonly Event[]): Promise<MentionsPage> {
  const oldest = fetched.at(-1);
  const got = await ask({
    max_timestamp: oldest ? oldest.timestamp : Number.MAX_SAFE_INTEGER, type: HIGHLIGHT, limit: MENTIONS_PAGE,
  });
  const seen = new Set(fetched.map((e) => e.event_id));
  const fresh = got.filter((e) => !seen.has(e.event_id));
  return { fetched: fresh, more: got.length === MENTIONS_PAGE && fresh.length > 0 };
}

/**
 * The newest page again, while the list is open: the mentions that arrived since it was fetched go on top (newest
 * first, by time; one decrypted late may be older than some listed). A whole page of new ones may leave a gap below
 * them: then the list starts afresh from them, with older ones to page to.
 */
export function loadNewMentions(ask: (params: CommandParams<'get_mentions'>) => Promise<Event[]>): Promise<Event[]> {
  return ask({ max_timestamp: Number.MAX_SAFE_INTEGER, type: HIGHLIGHT, limit: MENTIONS_PAGE });
}

/** `got` (the newest page, loadNewMentions) merged into `fetched`: `restarted` when it replaced them. */
export function mergeNewMentions(fetched: readonly Event[], got: readonly Event[]): { fetched: Event[]; restarted: boolean } {
  const seen = new Set(fetched.map((e) => e.event_id));
  const fresh = got.filter((e) => !seen.has(e.event_id));
  if (fresh.length === 0) return { fetched: [...fetched], restarted: false };
  if (fresh.length === MENTIONS_PAGE && fetched.length > 0) return { fetched: [...got], restarted: true };
  // A stable sort: among equal times the new ones come first, the listed ones keep their order.
  return { fetched: [...fresh, ...fetched].sort((a, b) => b.timestamp - a.timestamp), restarted: false };
}

/** `current` with the events of `page` (an older page) that it lacks appended. */
export function appendOlder(current: readonly Event[], page: readonly Event[]): Event[] {
  const seen = new Set(current.map((e) => e.event_id));
  return [...current, ...page.filter((e) => !seen.has(e.event_id))];
}

/** The mentions to list: an edit is left out (see above). */
export function listedMentions(fetched: readonly Event[]): Event[] {
  return fetched.filter((e) => e.relation_type !== 'm.replace');
}
