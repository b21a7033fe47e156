/**
 * The line between days in the timeline. Its date is a menu button, as in Element: jump to today, yesterday, a week
 * or a month back, the beginning of the room, or a day chosen in a date picker (api/jump-to-date.ts does the jump;
 * the timeline shows the dialog and any error, since this row may be virtualized away meanwhile). The menu is
 * portalled and placed beside its button, as a message's menu is (use-anchored-menu.ts).
 */
import { memo } from 'react';
import { createPortal } from 'react-dom';
import type { DayChoice } from '../../api/jump-to-date.ts';
import { formatDaySeparator } from '../common/format.ts';
import { useAnchoredMenu } from '../common/use-anchored-menu.ts';

const CHOICES: readonly { choice: DayChoice; label: string }[] = [
  { choice: 'today', label: 'Today' },
  { choice: 'yesterday', label: 'Yesterday' },
  { choice: 'last_week', label: 'Last week' },
  { choice: 'last_month', label: 'Last month' },
  { choice: 'beginning', label: 'The beginning of the room' },
];

/** Room the menu needs below the button before it opens above instead. */
const MENU_ROOM = 240;

type Place = { left: number; top: number } | { left: number; bottom: number };

/** Under the button, centred on it (kept inside the window); above it when the window has no room below. */
function placeBy(button: HTMLElement | null): Place | null {
  const r = button?.getBoundingClientRect();
  if (!r) return null;
  const left = Math.max(8, Math.min(r.left + r.width / 2 - 110, window.innerWidth - 228));
  return r.bottom + 4 + MENU_ROOM <= window.innerHeight ? { left, top: r.bottom + 4 } : { left, bottom: window.innerHeight - r.top + 4 };
}

export const DaySeparator = memo(function DaySeparator({ ts, onJump }: {
  ts: number;
  /** A menu choice (with this separator's day): a day to jump to, or `pick` to choose one in the date picker. */
  onJump: (ts: number, choice: DayChoice | 'pick') => void;
}) {
  const { shown, close, onKeyDown, button, list, at, toggle } = useAnchoredMenu(placeBy);
  const label = formatDaySeparator(ts);

  const choose = (choice: DayChoice | 'pick') => () => { close(); onJump(ts, choice); };

  return (
    // No separator role: its children would be presentational, and the button must stay one.
    <div className="day-separator">
      <button ref={button} type="button" className="day-separator-button" aria-haspopup="menu" aria-expanded={shown}
        title="Jump to a date" data-testid="day-separator" onClick={toggle}>
        <span>{label}</span>
        <svg className="day-separator-chevron" viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" fill="none"
          stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 9l6 6 6-6" />
        </svg>
      </button>
      {shown && at && createPortal(
        <div ref={list} className="message-menu day-menu" role="menu" aria-label="Jump to" data-testid="day-menu" style={at}
          onKeyDown={onKeyDown}>
          <div className="day-menu-heading" aria-hidden="true">Jump to</div>
          {CHOICES.map(({ choice, label: text }) => (
            <button key={choice} type="button" role="menuitem" className="message-menu-item" data-testid={`day-menu-${choice}`}
              tabIndex={-1} onClick={choose(choice)}>
              {text}
            </button>
          ))}
          <div className="day-menu-divider" role="separator" />
          <button type="button" role="menuitem" className="message-menu-item" data-testid="day-menu-pick" tabIndex={-1}
            onClick={choose('pick')}>
            Jump to a date…
          </button>
        </div>,
        document.body,
      )}
    </div>
  );
});
