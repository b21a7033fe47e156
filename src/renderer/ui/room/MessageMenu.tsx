/**
 * A message toolbar's "More options" (⋯) menu, for actions too rare to take a place on the bar: *Forward…* (messages
 * and stickers that can be: api/forwarding.ts), *View edit history* (edited messages), *View source*, and *Report…*
 * (others' messages only). Each opens its
 * dialog over the app (api/message-dialogs.ts, api/reporting.ts). Portalled and placed beside its
 * button (use-anchored-menu.ts). Each item has an icon before its label, as in Element.
 */
import { createPortal } from 'react-dom';
import type { Event } from '../../../shared/rpc/types.ts';
import { useOwnUserId } from '../../api/hooks.ts';
import { canForward } from '../../api/forwarding.ts';
import { setOpenMessageDialog, type MessageDialog } from '../../api/message-dialogs.ts';
import { setOpenReport } from '../../api/reporting.ts';
import { FLAG_ICON, FORWARD_ICON, HISTORY_ICON, MenuIcon, SOURCE_ICON } from '../common/icons.tsx';
import { useAnchoredMenu } from '../common/use-anchored-menu.ts';

/** Room the menu needs below the button before it opens above instead. */
const MENU_ROOM = 120;

type Place = { right: number; top: number } | { right: number; bottom: number };

/** Under the button, its right edges lined up; above it when the window has no room below. */
function placeBy(button: HTMLElement | null): Place | null {
  const r = button?.getBoundingClientRect();
  if (!r) return null;
  const right = Math.max(8, window.innerWidth - r.right);
  return r.bottom + 4 + MENU_ROOM <= window.innerHeight ? { right, top: r.bottom + 4 } : { right, bottom: window.innerHeight - r.top + 4 };
}

export function MessageMenu({ event, onOpenChange }: { event: Event; onOpenChange: (open: boolean) => void }) {
  const { shown, setShown, onKeyDown, button, list, at, toggle } = useAnchoredMenu(placeBy, onOpenChange);
  const own = useOwnUserId();

  /**
   * A dialog gives the focus back to what had it when it opened: the message itself, which stays shown (this
   * toolbar hides once the focus is in the dialog, and a hidden button cannot take it back).
   */
  function openDialog(kind: MessageDialog['kind'] | 'report'): void {
    button.current?.closest<HTMLElement>('.message')?.focus({ preventScroll: true });
    setShown(false);
    if (kind === 'report') setOpenReport({ kind: 'event', roomId: event.room_id, eventId: event.event_id, senderId: event.sender });
    else setOpenMessageDialog({ kind, event });
  }

  return (
    <>
      <button ref={button} type="button" title="More options" aria-label="More options" aria-haspopup="menu" aria-expanded={shown}
        data-testid="action-more" onClick={toggle}>⋯</button>
      {shown && at && createPortal(
        <div ref={list} className="message-menu" role="menu" aria-label="Message options" data-testid="message-menu" style={at}
          onKeyDown={onKeyDown}>
          {canForward(event) && (
            <button type="button" role="menuitem" className="message-menu-item" data-testid="action-forward" tabIndex={-1} onClick={() => openDialog('forward')}>
              <MenuIcon shape={FORWARD_ICON} />Forward…
            </button>
          )}
          {/* The store's latest edit follows the spec's rules (the original sender's, not deleted), as the history does. */}
          {!!event.last_edit_rowid && !event.redacted_by && (
            <button type="button" role="menuitem" className="message-menu-item" data-testid="action-edit-history" tabIndex={-1} onClick={() => openDialog('history')}>
              <MenuIcon shape={HISTORY_ICON} />View edit history
            </button>
          )}
          <button type="button" role="menuitem" className="message-menu-item" data-testid="action-source" tabIndex={-1} onClick={() => openDialog('source')}>
            <MenuIcon shape={SOURCE_ICON} />View source
          </button>
          {/* One reports others' messages only, as in Element. */}
          {event.sender !== own && (
            <button type="button" role="menuitem" className="message-menu-item" data-testid="action-report" tabIndex={-1} onClick={() => openDialog('report')}>
              <MenuIcon shape={FLAG_ICON} />Report…
            </button>
          )}
        </div>,
        document.body,
      )}
    </>
  );
}
