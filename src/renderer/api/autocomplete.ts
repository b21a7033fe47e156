/**
 * Composer autocomplete, as plain functions: which word the cursor is in, what it could complete to (slash
 * commands at the start of the message, members after an @, rooms after a #, emoji after a `:` and two letters:
 * custom emoji of the user's packs first, then Unicode's), and the text after choosing a suggestion.
 */
import type { SlashCommandHelp } from '../../shared/rpc/responses.ts';
import { mentionPill } from './actions.ts';
import { searchEmoji, type Emoji } from './emoji-data.ts';
import { searchPackImages, type ImagePack } from './image-packs.ts';

export interface Suggestion {
  /** Stable key, also the test hook. */
  readonly key: string;
  readonly label: string;
  readonly detail: string;
  /** Replaces the word being completed. */
  readonly insert: string;
  /** A custom emoji's mxc:// URL, shown beside its label. */
  readonly image?: string;
}

/** A room to complete after `#`: its address when it has one, else a matrix.to link to its ID. */
export interface RoomRef {
  readonly id: string;
  readonly name: string;
  readonly alias?: string | undefined;
}

export interface Completion {
  readonly start: number;
  readonly end: number;
  readonly suggestions: readonly Suggestion[];
}

const MAX = 8;

/** The word ending at the cursor: from the last whitespace before it. */
function wordAt(text: string, cursor: number): { start: number; word: string } {
  let start = cursor;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  return { start, word: text.slice(start, cursor) };
}

export function complete(
  text: string,
  cursor: number,
  commands: readonly SlashCommandHelp[],
  members: ReadonlyMap<string, string>,
  emoji: readonly Emoji[] | null = null,
  rooms: readonly RoomRef[] = [],
  packs: readonly ImagePack[] = [],
): Completion | null {
  const { start, word } = wordAt(text, cursor);
  if (start === 0 && word.startsWith('/') && !word.startsWith('//')) {
    const q = word.slice(1).toLowerCase();
    const suggestions = commands
      .filter((c) => c.name.startsWith(q) || c.aliases.some((a) => a.startsWith(q)))
      .slice(0, MAX)
      .map((c) => ({ key: `/${c.name}`, label: c.usage, detail: c.summary, insert: `/${c.name} ` }));
    return suggestions.length ? { start, end: cursor, suggestions } : null;
  }
  if (word.startsWith('@') && word.length >= 2) {
    const q = word.slice(1).toLowerCase();
    const suggestions: Suggestion[] = [];
    for (const [userId, name] of members) {
      if (!userId.slice(1).toLowerCase().startsWith(q) && !name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q))) continue;
      suggestions.push({ key: userId, label: name, detail: userId, insert: `${mentionPill(userId, name)} ` });
      if (suggestions.length >= MAX) break;
    }
    return suggestions.length ? { start, end: cursor, suggestions } : null;
  }
  if (word.startsWith('#') && word.length >= 2) {
    const q = word.slice(1).toLowerCase();
    const suggestions: Suggestion[] = [];
    for (const r of rooms) {
      const byAlias = r.alias?.slice(1).toLowerCase().startsWith(q);
      if (!byAlias && !r.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q))) continue;
      const label = r.name.replace(/[[\]\\]/g, '\\$&');
      suggestions.push({
        key: r.id, label: r.name, detail: r.alias ?? r.id,
        insert: r.alias ? `${r.alias} ` : `[${label}](https://matrix.to/#/${encodeURIComponent(r.id)}) `,
      });
      if (suggestions.length >= MAX) break;
    }
    return suggestions.length ? { start, end: cursor, suggestions } : null;
  }
  const shortcode = emojiQuery(word);
  if (shortcode !== null) {
    // A pack's emoji goes in as its `:shortcode:` (sent as its image, see withCustomEmoji), a space after it so the
    // list does not open again on the closed shortcode.
    const custom: Suggestion[] = searchPackImages(packs, shortcode, MAX).map((i) => ({
      key: `:${i.shortcode}:${i.url}`, label: `:${i.shortcode}:`, detail: i.body === i.shortcode ? 'Custom emoji' : i.body,
      insert: `:${i.shortcode}: `, image: i.url,
    }));
    const unicode: Suggestion[] = (emoji ? searchEmoji(emoji, shortcode, MAX) : []).map((e) => ({
      key: `:${e.unicode}`, label: `${e.unicode} :${e.shortcodes[0] ?? e.label.replace(/\s+/g, '_')}:`, detail: e.label, insert: e.unicode,
    }));
    const suggestions = [...custom, ...unicode].slice(0, MAX);
    return suggestions.length ? { start, end: cursor, suggestions } : null;
  }
  return null;
}

/**
 * The shortcode being typed (`:tad` → `tad`), or null. Two letters at least, so `:)` or a time like 10:30 does not
 * open a list; a closed `:tada:` completes too.
 */
function emojiQuery(word: string): string | null {
  const m = /^:([a-z0-9_+-]{2,}):?$/i.exec(word);
  return m ? m[1].toLowerCase() : null;
}

/** The text and cursor after choosing a suggestion. */
export function applySuggestion(text: string, c: Completion, s: Suggestion): { text: string; cursor: number } {
  const next = text.slice(0, c.start) + s.insert + text.slice(c.end);
  return { text: next, cursor: c.start + s.insert.length };
}
