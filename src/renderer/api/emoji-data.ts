/**
 * Emoji for the picker and `:shortcode:` autocomplete, from emojibase-data (Unicode's CLDR names and groups, with
 * GitHub/Slack-style shortcodes like `:+1:` and `:tada:`). The data is ~800 KB of JSON, so it is loaded on first
 * use (its own chunk in the build), once, and never at startup.
 */

export interface Emoji {
  readonly unicode: string;
  readonly label: string;
  /** Index into GROUPS; emoji without a group (regional indicators, components) are left out. */
  readonly group: number;
  readonly shortcodes: readonly string[];
  readonly tags: readonly string[];
}

/** Picker tabs, in emojibase's group order (group 2, skin tone and hair components, is not offered). */
export const GROUPS = [
  { id: 0, icon: '😀', name: 'Smileys and emotion' },
  { id: 1, icon: '👋', name: 'People and body' },
  { id: 3, icon: '🐶', name: 'Animals and nature' },
  { id: 4, icon: '🍎', name: 'Food and drink' },
  { id: 5, icon: '✈️', name: 'Travel and places' },
  { id: 6, icon: '⚽', name: 'Activities' },
  { id: 7, icon: '💡', name: 'Objects' },
  { id: 8, icon: '❤️', name: 'Symbols' },
  { id: 9, icon: '🏁', name: 'Flags' },
] as const;

let loading: Promise<readonly Emoji[]> | null = null;

export function loadEmoji(): Promise<readonly Emoji[]> {
  loading ??= Promise.all([
    import('emojibase-data/en/data.json', { with: { type: 'json' } }),
    import('emojibase-data/en/shortcodes/github.json', { with: { type: 'json' } }),
  ]).then(([data, github]) => buildEmoji(data.default, github.default)).catch((err: unknown) => {
    loading = null; // let a later open try again
    throw err;
  });
  return loading;
}

interface EmojibaseLike { hexcode: string; label: string; emoji: string; group?: number; order?: number; tags?: readonly string[]; version: number }

/**
 * Emoji newer than this are left out: the emoji fonts people have (and the one the screenshots use) lag Unicode
 * by a year or more, and a picker full of empty boxes is worse than one without the newest faces.
 */
const MAX_EMOJI_VERSION = 15.1;

/** Joins the emoji list with its shortcodes, in Unicode's order. */
export function buildEmoji(data: readonly EmojibaseLike[], shortcodes: Readonly<Record<string, string | readonly string[]>>): Emoji[] {
  return data
    .filter((e) => e.group !== undefined && e.group !== 2 && e.version <= MAX_EMOJI_VERSION)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((e) => {
      const codes = shortcodes[e.hexcode];
      return {
        unicode: e.emoji, label: e.label, group: e.group ?? 0, tags: e.tags ?? [],
        shortcodes: codes === undefined ? [] : typeof codes === 'string' ? [codes] : [...codes],
      };
    });
}

/** Emoji whose shortcode, name or tag starts with `query` (shortcode prefixes first), at most `max`. */
export function searchEmoji(all: readonly Emoji[], query: string, max = 48): Emoji[] {
  const q = query.toLowerCase().replace(/^:|:$/g, '');
  if (!q) return all.slice(0, max);
  const first: Emoji[] = [];
  const second: Emoji[] = [];
  for (const e of all) {
    if (e.shortcodes.some((s) => s.startsWith(q))) first.push(e);
    else if (e.label.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || e.tags.some((t) => t.startsWith(q))) second.push(e);
    if (first.length >= max) break;
  }
  return [...first, ...second].slice(0, max);
}
