/**
 * The room header's "More options" (⋯) menu: when the room's name would not show whole beside them (a small
 * window, a side panel open beside the room, a long name) the search, pinned and settings buttons and Leave fold
 * into it, so the name keeps its room, as in Element. The header's `is-folded` class (use-header-fold.ts) decides
 * which of the two shows; both stay mounted.
 * A menu as WAI-ARIA describes it: the focus goes to the first item, ↑/↓ (and Home/End) move along the items, Esc
 * closes it and gives the focus back to the button, a click outside closes it.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SidePanelKind } from './PanelButtons.tsx';

const ITEMS: readonly { kind: SidePanelKind; label: string; testId: string }[] = [
  { kind: 'search', label: 'Search in this room', testId: 'header-menu-search' },
  { kind: 'pinned', label: 'Pinned messages', testId: 'header-menu-pinned' },
  { kind: 'settings', label: 'Room settings', testId: 'header-menu-settings' },
];

export function HeaderMenu({ open, onToggle, onLeave }: { open: string | null; onToggle: (kind: SidePanelKind) => void; onLeave: () => void }) {
  const [shown, setShown] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!shown) return;
    list.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    const away = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setShown(false); };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [shown]);

  function close(): void {
    setShown(false);
    button.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const items = [...(list.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    let next: number;
    switch (e.key) {
      case 'Escape': e.preventDefault(); e.stopPropagation(); close(); return;
      case 'Tab': setShown(false); return;
      case 'ArrowDown': next = (at + 1) % items.length; break;
      case 'ArrowUp': next = (at - 1 + items.length) % items.length; break;
      case 'Home': next = 0; break;
      case 'End': next = items.length - 1; break;
      default: return;
    }
    e.preventDefault();
    items.at(next)?.focus();
  }

  return (
    <div className="room-header-more room-header-narrow" ref={root}>
      <button ref={button} type="button" className="room-header-members room-header-panel-button" title="More options" aria-label="More options"
        aria-haspopup="menu" aria-expanded={shown} data-testid="room-header-more" onClick={() => setShown(!shown)}>
        <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="currentColor">
          <circle cx="5" cy="12" r="1.8" /><circle cx="12" cy="12" r="1.8" /><circle cx="19" cy="12" r="1.8" />
        </svg>
      </button>
      {shown && (
        <div ref={list} className="room-header-menu" role="menu" aria-label="More options" data-testid="room-header-menu" onKeyDown={onKeyDown}>
          {ITEMS.map((item) => (
            <button key={item.kind} type="button" role="menuitemcheckbox" aria-checked={open === item.kind} className="room-header-menu-item"
              data-testid={item.testId} tabIndex={-1} onClick={() => { setShown(false); onToggle(item.kind); }}>
              {item.label}
            </button>
          ))}
          <button type="button" role="menuitem" className="room-header-menu-item is-danger" data-testid="header-menu-leave" tabIndex={-1}
            onClick={() => { setShown(false); onLeave(); }}>
            Leave room
          </button>
        </div>
      )}
    </div>
  );
}
