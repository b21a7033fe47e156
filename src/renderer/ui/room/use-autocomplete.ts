/**
 * The composers' autocomplete (the room's and the thread's): slash commands (asked of the backend the first time
 * a message starts with `/`), members, rooms and `:emoji:` shortcodes (the emoji data loads the first time a
 * shortcode is typed; the user's custom emoji packs come first), the highlighted suggestion, and the keys that move through the list and choose from it.
 */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { SlashCommandHelp } from '../../../shared/rpc/responses.ts';
import { getSlashCommands } from '../../api/actions.ts';
import { applySuggestion, complete, type RoomRef } from '../../api/autocomplete.ts';
import { loadEmoji, type Emoji } from '../../api/emoji-data.ts';
import { useImagePacks } from '../../api/image-pack-hooks.ts';
import { packsFor } from '../../api/image-packs.ts';
import { useMemberNames, useStoreSelector } from '../../api/hooks.ts';
import type { Session } from '../../api/session.ts';
import type { StoreSnapshot } from '../../api/snapshot.ts';

const NO_ROOMS: StoreSnapshot['roomList'] = [];

export function useAutocomplete(session: Session, roomId: string, text: string, cursor: number) {
  const members = useMemberNames(roomId);
  const allPacks = useImagePacks(roomId);
  const packs = useMemo(() => packsFor(allPacks, 'emoticon'), [allPacks]);
  // The room list only while a `#word` is typed: otherwise every sync that reorders it would re-render the composer.
  const wantsRooms = /(^|\s)#\S/.test(text);
  const roomList = useStoreSelector((s) => (wantsRooms ? s.roomList : NO_ROOMS));
  const [commands, setCommands] = useState<readonly SlashCommandHelp[]>([]);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [emoji, setEmoji] = useState<readonly Emoji[] | null>(null);

  useEffect(() => {
    if (!text.startsWith('/') || commands.length) return;
    let live = true;
    getSlashCommands(session).then((c) => { if (live) setCommands(c); }, () => undefined);
    return () => { live = false; };
  }, [text, commands.length, session]);

  const wantsEmoji = emoji === null && /(^|\s):[a-z0-9_+-]{2}/i.test(text);
  useEffect(() => {
    if (!wantsEmoji) return;
    let live = true;
    loadEmoji().then((e) => { if (live) setEmoji(e); }, () => undefined);
    return () => { live = false; };
  }, [wantsEmoji]);

  const rooms = useMemo<readonly RoomRef[]>(() => roomList.flatMap((r) => (r.meta
    ? [{ id: r.id, name: r.meta.name ?? r.meta.canonical_alias ?? r.id, alias: r.meta.canonical_alias }] : [])), [roomList]);

  const completion = dismissed ? null : complete(text, cursor, commands, members, emoji, rooms, packs);
  const suggestions = completion?.suggestions ?? [];
  const active = suggestions.length ? Math.min(selected, suggestions.length - 1) : 0;

  return {
    suggestions,
    active,
    setSelected,
    /** After the text changed: the list opens again at its first entry. */
    reset: (): void => { setSelected(0); setDismissed(false); },
    /** The text and cursor after choosing suggestion `i`, or null when there is none. */
    apply: (i: number): { text: string; cursor: number } | null => {
      const s = suggestions[i];
      return completion && s ? applySuggestion(text, completion, s) : null;
    },
    /** ↑/↓ move, Tab/Enter choose, Esc closes the list; true when the key was the list's. */
    onKeyDown: (ev: KeyboardEvent, choose: (i: number) => void): boolean => {
      const plain = !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey;
      if (!suggestions.length || !plain) return false;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const step = ev.key === 'ArrowDown' ? 1 : suggestions.length - 1;
        setSelected((active + step) % suggestions.length);
        return true;
      }
      if (ev.key === 'Tab' || ev.key === 'Enter') { ev.preventDefault(); choose(active); return true; }
      if (ev.key === 'Escape') { ev.preventDefault(); setDismissed(true); return true; }
      return false;
    },
  };
}
