/**
 * The room header's buttons for the threads, search, pinned and settings panels: an icon with a label that a narrower header
 * drops (the accessible name stays), and in a narrow one the buttons give way to the "More" menu (HeaderMenu.tsx),
 * so the room's name keeps its room in the header.
 */
import type { ReactNode } from 'react';
import { Icon, PIN_ICON, SEARCH_ICON, SETTINGS_ICON, THREADS_ICON } from '../../common/icons.tsx';
import './panels.css';

export type SidePanelKind = 'threads' | 'search' | 'pinned' | 'settings';

export const BUTTONS: readonly { kind: SidePanelKind; label: string; title: string; icon: ReactNode }[] = [
  { kind: 'search', label: 'Search', title: 'Search in this room', icon: SEARCH_ICON },
  { kind: 'pinned', label: 'Pinned', title: 'Pinned messages', icon: PIN_ICON },
  { kind: 'threads', label: 'Threads', title: 'Threads', icon: THREADS_ICON },
  { kind: 'settings', label: 'Settings', title: 'Room settings', icon: SETTINGS_ICON },
];

export function PanelButtons({ open, onToggle }: { open: string | null; onToggle: (kind: SidePanelKind) => void }) {
  return (
    <>
      {BUTTONS.map((b) => (
        <button key={b.kind} type="button" className="room-header-members room-header-panel-button room-header-wide" title={b.title} aria-label={b.title}
          aria-pressed={open === b.kind} data-testid={b.kind === 'settings' ? 'open-room-settings' : `open-${b.kind}`} onClick={() => onToggle(b.kind)}>
          <Icon shape={b.icon} />
          <span className="room-header-panel-label">{b.label}</span>
        </button>
      ))}
    </>
  );
}
