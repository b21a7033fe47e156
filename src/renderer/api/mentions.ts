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

/** The mentions to list: an edit is left out (see above). */
export function listedMentions(fetched: readonly Event[]): Event[] {
  return fetched.filter((e) => e.relation_type !== 'm.replace');
}
