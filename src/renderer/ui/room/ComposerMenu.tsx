/**
 * The composer's "+" menu: things to send that are not text or files (a poll, a location), each in its dialog and
 * with a drawn icon before its label, as the other menus have (icons.tsx). The
 * thread panel's composer has one too: its `relatesTo` (the thread relation) goes on what its dialogs send, and
 * `testIdPrefix` keeps its buttons apart from the room composer's. In a narrow composer the attach and sticker
 * buttons give way to the text (media.css) and are offered here first instead, as Element's + menu offers them, so
 * the text field keeps a usable width and every action stays reachable; `folded` opens them.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import { ATTACH_ICON, LOCATION_ICON, MenuIcon, POLL_ICON, STICKER_ICON } from '../common/icons.tsx';
import { LocationDialog } from './LocationDialog.tsx';
import { PollDialog } from './PollDialog.tsx';

type Open = 'menu' | 'poll' | 'location' | null;

export function ComposerMenu({ roomId, relatesTo, testIdPrefix = 'composer', folded }: {
  roomId: string;
  relatesTo?: JSONObject;
  testIdPrefix?: string;
  /** What the composer's folded buttons do (the file picker; the sticker picker, when the room has stickers). */
  folded: { attach: () => void; sticker?: () => void };
}) {
  const [open, setOpen] = useState<Open>(null);
  const root = useRef<HTMLDivElement>(null);
  const more = useRef<HTMLButtonElement>(null);
  /**
   * Closes the menu, then opens what the folded button opens, the focus on the + button first: the sticker picker
   * gives it back there (EmojiButton.tsx); the file picker's `attach` moves it on to the text field.
   */
  const unfold = (act: () => void) => () => {
    setOpen(null);
    more.current?.focus();
    act();
  };

  useEffect(() => {
    if (open !== 'menu') return;
    // The first item shown: the folded buttons' items show only in a narrow composer.
    [...root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []].find((b) => b.checkVisibility())?.focus();
    const away = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(null); };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  return (
    <div className="composer-menu" ref={root}>
      <button ref={more} type="button" className="composer-tool" title="More to send" aria-label="More to send" aria-haspopup="menu"
        aria-expanded={open === 'menu'} data-testid={`${testIdPrefix}-more`} onClick={() => setOpen(open === 'menu' ? null : 'menu')}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z" /></svg>
      </button>
      {open === 'menu' && (
        <div className="composer-menu-list" role="menu" aria-label="More to send" data-testid={`${testIdPrefix}-menu`}
          onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setOpen(null); } }}>
          <button type="button" role="menuitem" className="composer-menu-folded" data-testid={`${testIdPrefix}-menu-attach`} onClick={unfold(folded.attach)}>
            <MenuIcon shape={ATTACH_ICON} />Attach files
          </button>
          {folded.sticker && (
            <button type="button" role="menuitem" className="composer-menu-folded" data-testid={`${testIdPrefix}-menu-sticker`} onClick={unfold(folded.sticker)}>
              <MenuIcon shape={STICKER_ICON} />Sticker
            </button>
          )}
          <button type="button" role="menuitem" data-testid={`${testIdPrefix}-poll`} onClick={() => setOpen('poll')}>
            <MenuIcon shape={POLL_ICON} />Poll
          </button>
          <button type="button" role="menuitem" data-testid={`${testIdPrefix}-location`} onClick={() => setOpen('location')}>
            <MenuIcon shape={LOCATION_ICON} />Location
          </button>
        </div>
      )}
      {open === 'poll' && <Detached><PollDialog roomId={roomId} relatesTo={relatesTo} onClose={() => setOpen(null)} /></Detached>}
      {open === 'location' && <Detached><LocationDialog roomId={roomId} relatesTo={relatesTo} onClose={() => setOpen(null)} /></Detached>}
    </div>
  );
}

/**
 * A dialog outside the composer's form: a form may not hold another in the DOM, and React would carry the dialog's
 * submit up to the composer (events bubble through portals by the component tree), sending the composer's text.
 */
function Detached({ children }: { children: ReactNode }) {
  return createPortal(<div onSubmit={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>{children}</div>, document.body);
}
