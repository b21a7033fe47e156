/**
 * The preview's answer to get_mentions: the made-up messages that mention you (your user ID or your name, as a pill
 * or in the words, or @room), newest first, at or before `maxTimestamp`, so the Mentions dialog has something to show
 * without a homeserver. A real backend reads the push rules' verdict stored at ingest; the preview's messages never
 * went through them, so their words decide here.
 */
import type { Event } from '../../../src/shared/rpc/types.ts';
import { ME, people, type FakeRoom } from './fake-data.ts';

/** `@you` as a pill's text leaves it in the body (the user ID is in the HTML, or in the sanitized copy beside it). */
const SHORT_MENTION = new RegExp(`@${ME.slice(1, ME.indexOf(':'))}\\b`, 'i');

function mentionsMe(e: Event): boolean {
  if (e.sender === ME || e.type !== 'm.room.message') return false;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const words = `${text(e.content.body)} ${text(e.content.formatted_body)} ${e.local_content?.sanitized_html ?? ''}`.toLowerCase();
  return SHORT_MENTION.test(words) || [ME, people.me.name, '@room'].some((m) => words.includes(m.toLowerCase()));
}

export function fakeMentions(rooms: ReadonlyMap<string, FakeRoom>, maxTimestamp: number, limit: number): Event[] {
  const all = [...rooms.values()].flatMap((r) => r.timeline.filter((e) => e.timestamp <= maxTimestamp && mentionsMe(e)));
  return all.sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
}
