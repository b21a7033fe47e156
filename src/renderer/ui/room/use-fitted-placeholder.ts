/**
 * A composer's placeholder that fits its text field: the longest of a few wordings (longest first) that the field
 * shows whole, measured in the placeholder's own font whenever the field changes size. Chromium draws no ellipsis in
 * a textarea's placeholder, so a narrow field (a small window at a large text size, the thread panel) showed
 * "Message Desig" and "Reply in t"; a shorter wording reads whole instead. The field's accessible name stays the
 * full wording (its aria-label); only what is drawn in it gets shorter.
 */
import { useCallback, useState } from 'react';

/** Made on first use, not at import: one canvas for every field's measuring. */
let measurer: CanvasRenderingContext2D | null = null;

/** How wide `text` is in `field`'s placeholder font. */
function placeholderWidth(field: HTMLTextAreaElement, text: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 0;
  const style = getComputedStyle(field, '::placeholder');
  measurer.font = style.font || getComputedStyle(field).font;
  return measurer.measureText(text).width;
}

/** The room a field gives its text: its width inside the padding. */
function textRoom(field: HTMLTextAreaElement): number {
  const style = getComputedStyle(field);
  return field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}

/**
 * The first of `choices` that `field` shows whole; none when not even the last fits (an empty field reads better than
 * half a word, and its aria-label still names it).
 */
export function fittedChoice(field: HTMLTextAreaElement, choices: readonly string[]): string {
  const room = textRoom(field);
  // Half a pixel of slack: the canvas's measure and the layout's round differently.
  return choices.find((c) => placeholderWidth(field, c) <= room + 0.5) ?? '';
}

/**
 * The room composer's wordings: "Message <room>", then the room's name cut after a whole word with an ellipsis
 * ("Message Design…"), then "Message" alone.
 */
export function roomPlaceholders(roomName: string): string[] {
  const words = roomName.trim().split(/\s+/).filter(Boolean);
  const out = [`Message ${roomName}`];
  for (let n = words.length - 1; n > 0; n--) out.push(`Message ${words.slice(0, n).join(' ')}…`);
  out.push('Message');
  return out;
}

/**
 * The placeholder to show, and the ref callback to give the composer's box (the text field's row): it watches the
 * field in it while the box is in the page (a voice recording takes the box's place, and the new field is watched
 * when it comes back). A change of `textSize` re-fits too, for a font that changed where the field's width did not.
 */
export function useFittedPlaceholder(choices: readonly string[], textSize: number) {
  const [shown, setShown] = useState(choices[0] ?? '');
  // One string for the callback's dependencies: a new list with the same wordings keeps the same callback. Joined
  // by NUL, which a room's name (a wording's part) does not hold in practice, unlike a line break.
  const key = [textSize, ...choices].join('\u0000');
  const box = useCallback((el: HTMLElement | null) => {
    const field = el?.querySelector<HTMLTextAreaElement>('textarea.composer-input');
    if (!field) return undefined;
    const list = key.split('\u0000').slice(1);
    const fit = (): void => setShown(fittedChoice(field, list));
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(field);
    return () => observer.disconnect();
  }, [key]);
  return { placeholder: shown, box };
}
