/**
 * A room's menu in the room list, opened by right click, the row's "…" button, Shift+F10 or the context-menu key:
 * mark read or unread, mute, favourite, low priority, copy link, report (opens the report dialog), leave (which
 * asks first). A WAI-ARIA menu: focus starts on the first item, ↑/↓/Home/End move, Enter or Space runs, Esc or Tab
 * closes and focus goes back to where it was. An action that fails keeps the menu open with the reason in words.
 * Each item has an icon in a column before its label and a check item its tick after it, as in Element's menu.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useRoom, useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  hasTag, isMutedBy, markRoomRead, markUnread, roomPermalink, setMuted, setRoomTag,
} from '../../api/room-list-actions.ts';
import { setOpenReport } from '../../api/reporting.ts';
import { hasUnread, roomDisplayName } from '../../api/selectors.ts';
import {
  BELL_OFF_ICON, FLAG_ICON, LEAVE_ICON, LINK_ICON, LOW_PRIORITY_ICON, MARK_READ_ICON, MARK_UNREAD_ICON, MenuIcon, STAR_ICON,
} from '../common/icons.tsx';

/** Where the menu opens, in viewport pixels; it is moved inside the window if it would not fit. */
export interface MenuAnchor {
  readonly x: number;
  readonly y: number;
}

interface Props {
  roomId: string;
  anchor: MenuAnchor;
  onClose: () => void;
  /** Leaving asks first: the caller shows its confirmation. */
  onLeave: (roomId: string) => void;
}

interface Item {
  id: string;
  label: string;
  icon: ReactNode;
  /** Set for the check items (mute, favourite, low priority). */
  checked?: boolean;
  danger?: boolean;
  run: () => Promise<void> | void;
}

const MARGIN = 8;

export function RoomContextMenu({ roomId, anchor, onClose, onLeave }: Props) {
  const session = useSession();
  const room = useRoom(roomId);
  const ownUserId = useOwnUserId();
  const muted = useStoreSelector((s) => isMutedBy(s.accountData['m.push_rules'], roomId));
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<MenuAnchor>(anchor);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  // Kept inside the window: a menu opened near the bottom or right edge opens upwards or leftwards.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const x = Math.max(MARGIN, Math.min(anchor.x, window.innerWidth - width - MARGIN));
    const y = anchor.y + height + MARGIN > window.innerHeight ? Math.max(MARGIN, anchor.y - height) : anchor.y;
    setPos({ x, y });
  }, [anchor]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
  }, []);

  // A press anywhere else closes it (the press still does what it does there).
  useEffect(() => {
    const onDown = (ev: MouseEvent): void => {
      if (ref.current && ev.target instanceof Node && !ref.current.contains(ev.target)) onClose();
    };
    const onBlur = (): void => onClose();
    document.addEventListener('mousedown', onDown, true);
    window.addEventListener('blur', onBlur);
    window.addEventListener('resize', onBlur);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('resize', onBlur);
    };
  }, [onClose]);

  if (!room?.meta) return null;
  const name = roomDisplayName(room);
  const unread = hasUnread(room);
  const favourite = hasTag(room, 'm.favourite');
  const lowPriority = hasTag(room, 'm.lowpriority');

  const items: Item[] = [
    unread
      ? { id: 'mark-read', label: 'Mark as read', icon: MARK_READ_ICON, run: () => markRoomRead(session, room) }
      : { id: 'mark-unread', label: 'Mark as unread', icon: MARK_UNREAD_ICON, run: () => markUnread(session, roomId) },
    { id: 'mute', label: 'Mute', icon: BELL_OFF_ICON, checked: muted, run: () => setMuted(session, roomId, !muted) },
    { id: 'favourite', label: 'Favourite', icon: STAR_ICON, checked: favourite, run: () => setRoomTag(session, room, 'm.favourite', !favourite) },
    { id: 'low-priority', label: 'Low priority', icon: LOW_PRIORITY_ICON, checked: lowPriority, run: () => setRoomTag(session, room, 'm.lowpriority', !lowPriority) },
    {
      id: 'copy-link',
      label: copied ? 'Link copied' : 'Copy link',
      icon: LINK_ICON,
      run: async () => {
        await navigator.clipboard.writeText(roomPermalink(room, ownUserId));
        setCopied(true);
      },
    },
    { id: 'report', label: 'Report room…', icon: FLAG_ICON, run: () => setOpenReport({ kind: 'room', roomId }) },
    { id: 'leave', label: 'Leave…', icon: LEAVE_ICON, danger: true, run: () => onLeave(roomId) },
  ];

  async function activate(item: Item): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await item.run();
      // "Copy link" stays a moment to say it worked; everything else shows its effect in the list.
      if (item.id === 'copy-link') setTimeout(onClose, 600);
      else onClose();
    } catch (err) {
      setError(`Could not ${item.label.replace('…', '').toLowerCase()}: ${errorMessage(err)}`);
      setBusy(false);
    }
  }

  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    let next: HTMLElement | undefined;
    switch (ev.key) {
      case 'ArrowDown': next = all[(i + 1) % all.length]; break;
      case 'ArrowUp': next = all[(i - 1 + all.length) % all.length]; break;
      case 'Home': next = all[0]; break;
      case 'End': next = all[all.length - 1]; break;
      case 'Escape':
      case 'Tab':
        ev.preventDefault();
        ev.stopPropagation();
        onClose();
        return;
      default: return;
    }
    ev.preventDefault();
    next?.focus();
  }

  return (
    <div ref={ref} className="room-menu" role="menu" aria-label={`Options for ${name}`} data-testid="room-menu"
      data-room-id={roomId} style={{ left: pos.x, top: pos.y }} onKeyDown={onKeyDown} onContextMenu={(e) => e.preventDefault()}>
      {items.map((item) => (
        <button key={item.id} type="button" role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={item.checked} tabIndex={-1} disabled={busy}
          className={`room-menu-item${item.danger ? ' is-danger' : ''}`} data-testid={`room-menu-${item.id}`}
          onClick={() => void activate(item)}>
          <MenuIcon shape={item.icon} />
          <span className="room-menu-label">{item.label}</span>
          {item.checked !== undefined && <span className="room-menu-check" aria-hidden="true">{item.checked ? '✓' : ''}</span>}
        </button>
      ))}
      {error && <p className="room-menu-error" role="alert" data-testid="room-menu-error">{error}</p>}
    </div>
  );
}
