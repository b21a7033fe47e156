/**
 * The room header's "More options" (⋯) menu. It always offers *Export chat…* and *Report room…*; when the room's name would not show
 * whole beside them (a small window, a side panel open beside the room, a long name) the call buttons, the threads,
 * search, pinned and settings buttons and Leave fold into it too, so the name keeps its room, as in Element. Leave
 * goes first, the others after it; the header's `is-trimmed` and `is-folded` classes (use-header-fold.ts) say which,
 * and the menu follows them. Each item has its button's icon (icons.tsx), in a column before the labels, as in
 * Element. Keyboard and pointer behaviour: use-menu.ts.
 */
import { BUTTONS, type SidePanelKind } from './PanelButtons.tsx';
import { CAMERA_ICON, EXPORT_ICON, FLAG_ICON, LEAVE_ICON, MenuIcon, PHONE_ICON } from '../../common/icons.tsx';
import { useMenu } from '../../common/use-menu.ts';

export function HeaderMenu({ open, folded, leaveFolded, onToggle, onCall, onLeave, onExport, onReport }: {
  open: string | null;
  /** The header's buttons are folded into this menu. */
  folded: boolean;
  /** Leave alone is (the first to go, use-header-fold.ts). */
  leaveFolded: boolean;
  onToggle: (kind: SidePanelKind) => void;
  /** In a room of two, the call buttons' calls (disabled while a call is on), folded here with them. */
  onCall?: { place: (video: boolean) => void; busy: boolean };
  onLeave: () => void;
  onExport: () => void;
  onReport: () => void;
}) {
  const { shown, setShown, close, onKeyDown, button, list } = useMenu();
  /** Closes the menu (the focus back on its button, where a dialog opened by the item gives it back), then acts. */
  const choose = (act: () => void) => () => { close(); act(); };

  return (
    <div className="room-header-more">
      <button ref={button} type="button" className="room-header-members room-header-panel-button" title="More options" aria-label="More options"
        aria-haspopup="menu" aria-expanded={shown} data-testid="room-header-more" onClick={() => setShown(!shown)}>
        <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="currentColor">
          <circle cx="5" cy="12" r="1.8" /><circle cx="12" cy="12" r="1.8" /><circle cx="19" cy="12" r="1.8" />
        </svg>
      </button>
      {shown && (
        <div ref={list} className="room-header-menu" role="menu" aria-label="More options" data-testid="room-header-menu" onKeyDown={onKeyDown}>
          {folded && onCall && ([false, true] as const).map((video) => (
            <button key={video ? 'video' : 'voice'} type="button" role="menuitem" className="room-header-menu-item" tabIndex={-1}
              data-testid={video ? 'header-menu-video-call' : 'header-menu-voice-call'} disabled={onCall.busy}
              onClick={choose(() => onCall.place(video))}>
              <MenuIcon shape={video ? CAMERA_ICON : PHONE_ICON} />{video ? 'Video call' : 'Voice call'}
            </button>
          ))}
          {folded && BUTTONS.map((item) => (
            <button key={item.kind} type="button" role="menuitemcheckbox" aria-checked={open === item.kind} className="room-header-menu-item"
              data-testid={`header-menu-${item.kind}`} tabIndex={-1} onClick={choose(() => onToggle(item.kind))}>
              <MenuIcon shape={item.icon} />{item.title}
            </button>
          ))}
          <button type="button" role="menuitem" className="room-header-menu-item" data-testid="header-menu-export" tabIndex={-1}
            onClick={choose(onExport)}>
            <MenuIcon shape={EXPORT_ICON} />Export chat…
          </button>
          <button type="button" role="menuitem" className="room-header-menu-item" data-testid="header-menu-report" tabIndex={-1}
            onClick={choose(onReport)}>
            <MenuIcon shape={FLAG_ICON} />Report room…
          </button>
          {(folded || leaveFolded) && (
            <button type="button" role="menuitem" className="room-header-menu-item is-danger" data-testid="header-menu-leave" tabIndex={-1}
              onClick={choose(onLeave)}>
              <MenuIcon shape={LEAVE_ICON} />Leave room
            </button>
          )}
        </div>
      )}
    </div>
  );
}
