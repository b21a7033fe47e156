/**
 * The room header's buttons for the threads, search, pinned and settings panels: an icon with a label that a narrower header
 * drops (the accessible name stays), and in a narrow one the buttons give way to the "More" menu (HeaderMenu.tsx),
 * so the room's name keeps its room in the header.
 */
import type { ReactNode } from 'react';
import './panels.css';

export type SidePanelKind = 'threads' | 'search' | 'pinned' | 'settings';

const BUTTONS: readonly { kind: SidePanelKind; label: string; title: string; icon: ReactNode }[] = [
  { kind: 'search', label: 'Search', title: 'Search in this room', icon: <><circle cx="10.5" cy="10.5" r="6" /><path d="M15 15l5.5 5.5" /></> },
  { kind: 'pinned', label: 'Pinned', title: 'Pinned messages', icon: <><path d="M9 3h6l-1 6 4 4H6l4-4z" /><path d="M12 13v8" /></> },
  { kind: 'threads', label: 'Threads', title: 'Threads', icon: <><path d="M4 5h16v10H9l-5 4z" /><path d="M8 9h8M8 12h5" /></> },
  { kind: 'settings', label: 'Settings', title: 'Room settings', icon: <><circle cx="12" cy="12" r="3" /><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" /></> },
];

export function PanelButtons({ open, onToggle }: { open: string | null; onToggle: (kind: SidePanelKind) => void }) {
  return (
    <>
      {BUTTONS.map((b) => (
        <button key={b.kind} type="button" className="room-header-members room-header-panel-button room-header-wide" title={b.title} aria-label={b.title}
          aria-pressed={open === b.kind} data-testid={b.kind === 'settings' ? 'open-room-settings' : `open-${b.kind}`} onClick={() => onToggle(b.kind)}>
          <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">{b.icon}</svg>
          <span className="room-header-panel-label">{b.label}</span>
        </button>
      ))}
    </>
  );
}
