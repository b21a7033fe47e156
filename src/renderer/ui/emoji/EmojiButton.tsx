/**
 * A button that opens the emoji picker beside itself. The picker is portalled to <body> and placed from the
 * button's rectangle, because timeline rows are transformed (virtualized) and clip or misplace a nested popover.
 * It stays attached to its button as a message's ⋯ menu does (use-anchor-scroll.ts's useFollowAnchor): it follows it
 * as the window changes size and as the timeline moves by itself (a message arriving, a reaction), and closes when
 * the user scrolls what holds its button (a message's picker at a wheel over the timeline, or once PgUp/PgDn take its
 * message out of view; the composer's stays open then). It used to close as soon as its message left the view, even
 * as the timeline followed new messages.
 */
import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useFollowAnchor } from '../common/use-anchor-scroll.ts';
import { EmojiPicker, type EmojiPick } from './EmojiPicker.tsx';

const PICKER_W = 320;
const PICKER_H = 330;

export function EmojiButton({ onPick, label, testId, className, children, onOpenChange, roomId = null, stickers = false, buttonRef }: {
  onPick: (pick: EmojiPick) => void;
  /** Whose custom emoji packs the picker offers besides Unicode's (see EmojiPicker). */
  roomId?: string | null;
  stickers?: boolean;
  label: string;
  testId: string;
  className?: string;
  children: ReactNode;
  onOpenChange?: (open: boolean) => void;
  /** The button, for opening the picker from elsewhere (a narrow composer's + menu, where the button is hidden). */
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  // Open or not apart from where: a scroll that comes just after the wheel that closed the picker places it again
  // (before the close has removed the listener), and must not open it again with that.
  const [isOpen, setOpen] = useState(false);
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);
  const ownButton = useRef<HTMLButtonElement>(null);
  const button = buttonRef ?? ownButton;
  const layer = useRef<HTMLDivElement>(null);
  /** What had the focus when the picker opened: it gets it back when the button is hidden (see close). */
  const opener = useRef<Element | null>(null);

  function place(): { left: number; top: number } | null {
    // A hidden button (folded into a narrow composer's + menu) has no rectangle: the picker goes by the nearest
    // shown box around it (the composer's), as it would by the button at that box's end.
    let anchor: Element | null = button.current;
    while (anchor && !anchor.checkVisibility()) anchor = anchor.parentElement;
    const r = anchor?.getBoundingClientRect();
    if (!r) return null;
    const left = Math.max(8, Math.min(r.right - PICKER_W, window.innerWidth - PICKER_W - 8));
    const below = r.bottom + 4 + PICKER_H <= window.innerHeight;
    return { left, top: below ? r.bottom + 4 : Math.max(8, r.top - 4 - PICKER_H) };
  }

  function open(): void {
    opener.current = document.activeElement;
    setAt(place());
    setOpen(true);
    onOpenChange?.(true);
  }

  function hide(): void {
    setOpen(false);
    onOpenChange?.(false);
  }

  useFollowAnchor(isOpen, button, layer, () => setAt(place()), hide);

  function close(): void {
    // Closed from inside (Esc, a pick): the focus goes back to this button while it is still shown (a message's
    // toolbar hides once nothing in it has the focus, and a hidden button cannot take it).
    // A hidden button cannot take it: opened from a narrow composer's + menu, it goes back to the + button there.
    const active = document.activeElement;
    if (active === document.body || (active && layer.current?.contains(active))) {
      const back = button.current?.checkVisibility() ? button.current : opener.current;
      if (back instanceof HTMLElement) back.focus({ preventScroll: true });
    }
    hide();
  }

  return (
    <>
      <button ref={button} type="button" className={className} title={label} aria-label={label} aria-haspopup="dialog" aria-expanded={isOpen}
        data-testid={testId} onClick={() => { if (isOpen) close(); else open(); }}>{children}</button>
      {isOpen && at && createPortal(
        <div ref={layer} className="emoji-picker-layer" style={{ left: at.left, top: at.top }}>
          <EmojiPicker label={label} onClose={close} roomId={roomId} stickers={stickers} onPick={(p) => { close(); onPick(p); }} />
        </div>,
        document.body,
      )}
    </>
  );
}
