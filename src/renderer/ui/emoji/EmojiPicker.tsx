/**
 * A compact emoji picker over emojibase-data and the user's custom emoji packs (MSC2545): a search box (names, tags
 * and `:shortcodes:`), group tabs (Unicode's groups, then one per pack) and a grid. Used for reactions (the message
 * toolbar's "+") and in the composer; as a sticker picker (`stickers`) it shows only the packs' stickers, larger.
 * Enter picks the first match, Esc closes (EmojiButton gives the focus back to itself). The group tabs and the grid
 * are one Tab stop each: ←/→ move through the groups, the arrows through the grid (↓ from the search box enters it,
 * ↑ from its top row leaves it). PgUp/PgDn page through the grid from anywhere in the picker (in the grid, the focus
 * moves a page of rows), never the timeline behind it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { GROUPS, loadEmoji, searchEmoji, type Emoji } from '../../api/emoji-data.ts';
import { useImagePacks } from '../../api/image-pack-hooks.ts';
import { packsFor, searchPackImages, type PackImage } from '../../api/image-packs.ts';
import { mediaUrl } from '../common/avatar-url.ts';
import { moveFocus } from '../common/list-keys.ts';
import './emoji.css';

/** What a pick is: a Unicode emoji, or a pack's image. */
export type EmojiPick = { readonly unicode: string } | { readonly image: PackImage };

type Item = { readonly key: string; readonly unicode: Emoji } | { readonly key: string; readonly image: PackImage };

/** A tab: one of Unicode's groups (its number) or a pack (its id). */
type Tab = number | string;

/**
 * What a pick puts in a composer: the emoji itself, or a custom emoji's `:shortcode:` (sent as its image, see
 * withCustomEmoji) with a space after it, so the shortcode autocomplete does not open on it again.
 */
export function pickedText(pick: EmojiPick): string {
  return 'image' in pick ? `:${pick.image.shortcode}: ` : pick.unicode;
}

/** How many of the grid's rows show at once (at least one): a PgUp/PgDn's step. */
function rowsPerPage(grid: HTMLElement, cell: HTMLElement | undefined): number {
  const rowGap = parseFloat(getComputedStyle(grid).rowGap) || 0;
  const row = (cell?.offsetHeight ?? 0) + rowGap;
  return row > 0 ? Math.max(1, Math.floor((grid.clientHeight + rowGap) / row)) : 1;
}

const isPageKey = (e: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): boolean =>
  (e.key === 'PageUp' || e.key === 'PageDown') && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey;

function pickOf(item: Item): EmojiPick {
  return 'image' in item ? { image: item.image } : { unicode: item.unicode.unicode };
}

export function EmojiPicker({ onPick, onClose, label, className, roomId = null, stickers = false }: {
  onPick: (pick: EmojiPick) => void;
  onClose: () => void;
  label: string;
  className?: string;
  /** The room whose packs (and the user's) are offered; none, only Unicode's emoji. */
  roomId?: string | null;
  stickers?: boolean;
}) {
  const [all, setAll] = useState<readonly Emoji[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const allPacks = useImagePacks(roomId);
  const packs = useMemo(() => packsFor(allPacks, stickers ? 'sticker' : 'emoticon'), [allPacks, stickers]);
  const tabs = useMemo(() => [
    ...(stickers ? [] : GROUPS.map((g) => ({ id: g.id, name: g.name, icon: g.icon, image: false }))),
    ...packs.map((p) => ({ id: p.id, name: p.name, icon: p.icon, image: true })),
  ], [packs, stickers]);
  const [tab, setTab] = useState<Tab>(stickers ? '' : GROUPS[0].id);
  const activeTab = tabs.some((t) => t.id === tab) ? tab : tabs[0]?.id;
  const columns = stickers ? 4 : 8;
  const root = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const [cell, setCell] = useState(0);

  useEffect(() => {
    if (stickers) return;
    let live = true;
    loadEmoji().then((e) => { if (live) setAll(e); }, (err: unknown) => { if (live) setError(`Could not load the emoji: ${errorMessage(err)}`); });
    return () => { live = false; };
  }, [stickers]);

  // A click anywhere else closes the picker, as a menu would.
  useEffect(() => {
    const onDown = (e: MouseEvent) => { if (root.current && !root.current.contains(e.target as Node)) onClose(); };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const shown = useMemo<Item[]>(() => {
    const q = query.trim();
    const images = (list: readonly PackImage[]): Item[] => list.map((i, n) => ({ key: `${n}:${i.shortcode}:${i.url}`, image: i }));
    const unicode = (list: readonly Emoji[]): Item[] => list.map((e) => ({ key: e.unicode, unicode: e }));
    if (q) return [...images(searchPackImages(packs, q, stickers ? 60 : 24)), ...(all && !stickers ? unicode(searchEmoji(all, q, 120)) : [])];
    if (typeof activeTab === 'string') return images(packs.find((p) => p.id === activeTab)?.images ?? []);
    return all ? unicode(all.filter((e) => e.group === activeTab)) : [];
  }, [all, query, activeTab, packs, stickers]);
  const activeCell = Math.max(0, Math.min(cell, shown.length - 1));
  const cells = (): HTMLElement[] => [...(grid.current?.querySelectorAll<HTMLElement>('.emoji-cell') ?? [])];
  const loading = !stickers && !all && typeof activeTab !== 'string';

  return (
    <div ref={root} className={`emoji-picker${stickers ? ' is-stickers' : ''}${className ? ` ${className}` : ''}`} role="dialog" aria-label={label}
      data-testid="emoji-picker" onKeyDown={(e) => {
        if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); }
        // From the search box or the tabs (the grid handles its own): a page of the grid, and the timeline stays put
        // (its PgUp/PgDn, use-room-keys.ts, leave a handled key alone).
        if (isPageKey(e) && !e.defaultPrevented && grid.current) {
          e.preventDefault();
          grid.current.scrollBy({ top: (e.key === 'PageUp' ? -1 : 1) * grid.current.clientHeight * 0.9 });
        }
      }}>
      <input className="emoji-search" type="search" placeholder={stickers ? 'Search stickers' : 'Search emoji'}
        aria-label={stickers ? 'Search stickers' : 'Search emoji'} value={query} autoFocus
        ref={search} data-testid="emoji-search" onChange={(e) => { setQuery(e.target.value); setCell(0); }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && shown[0]) { e.preventDefault(); onPick(pickOf(shown[0])); }
          if (e.key === 'ArrowDown') { e.preventDefault(); cells()[activeCell]?.focus(); }
        }} />
      {!query.trim() && tabs.length > 1 && (
        <div className="emoji-groups" role="tablist" aria-label={stickers ? 'Sticker packs' : 'Emoji groups'} onKeyDown={(e) => {
          if (e.key === 'ArrowUp' || e.key === 'ArrowDown') return;
          const at = tabs.findIndex((t) => t.id === activeTab);
          const next = moveFocus(e, [...e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')], at, tabs.length, true);
          if (next !== null) { setTab(tabs[next].id); setCell(0); }
        }}>
          {/* Unicode's groups fill a row; the packs, however many, follow on rows of their own. */}
          {[tabs.filter((t) => !t.image), tabs.filter((t) => t.image)].filter((row) => row.length).map((row) => (
            <div key={row[0].image ? 'packs' : 'groups'} className={`emoji-tab-row${row[0].image ? ' is-packs' : ''}`}>
              {row.map((t) => (
                <button key={t.id} type="button" role="tab" aria-selected={t.id === activeTab} title={t.name} aria-label={t.name}
                  tabIndex={t.id === activeTab ? 0 : -1} className={t.id === activeTab ? 'is-active' : undefined} data-testid={t.image ? 'emoji-pack-tab' : undefined}
                  onClick={() => { setTab(t.id); setCell(0); }}>
                  {t.image ? <img className="emoji-pack-icon" src={mediaUrl(t.icon, { cssW: 20, cssH: 20, scale: true })} alt="" draggable={false} /> : t.icon}
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
      <div className="emoji-grid" data-testid="emoji-grid" role="listbox" aria-label={stickers ? 'Stickers' : 'Emoji'} ref={grid} onKeyDown={(e) => {
        if (e.key === 'ArrowUp' && activeCell < columns) { e.preventDefault(); search.current?.focus(); return; }
        if (isPageKey(e)) {
          e.preventDefault();
          const items = cells();
          if (!items.length) return;
          const step = rowsPerPage(e.currentTarget, items[0]) * columns * (e.key === 'PageUp' ? -1 : 1);
          const next = Math.max(0, Math.min(items.length - 1, activeCell + step));
          items[next].focus();
          setCell(next);
          return;
        }
        const next = moveFocus(e, cells(), activeCell, columns);
        if (next !== null) setCell(next);
      }}>
        {error ? <p className="emoji-note">{error}</p>
          : loading ? <p className="emoji-note">Loading…</p>
            : shown.length === 0 ? <p className="emoji-note">{query.trim() ? `No ${stickers ? 'stickers' : 'emoji'} match “${query}”` : 'No stickers yet: packs with stickers show here'}</p>
              : shown.map((item, i) => {
                const common = {
                  type: 'button' as const, className: 'emoji-cell', 'data-testid': 'emoji-option', role: 'option',
                  'aria-selected': i === activeCell, tabIndex: i === activeCell ? 0 : -1, onFocus: () => setCell(i),
                  onClick: () => onPick(pickOf(item)),
                };
                if ('image' in item) {
                  const img = item.image;
                  const px = stickers ? 64 : 28;
                  return (
                    <button key={item.key} {...common} title={`${img.body === img.shortcode ? '' : `${img.body} `}:${img.shortcode}:`}
                      aria-label={`:${img.shortcode}:`} data-shortcode={img.shortcode}>
                      <img src={mediaUrl(img.url, { cssW: px, cssH: px, scale: true })} alt={`:${img.shortcode}:`} loading="lazy" draggable={false} />
                    </button>
                  );
                }
                const e = item.unicode;
                return (
                  <button key={item.key} {...common} title={e.shortcodes.length ? `${e.label} :${e.shortcodes[0]}:` : e.label} aria-label={e.label}>
                    {e.unicode}
                  </button>
                );
              })}
      </div>
    </div>
  );
}
