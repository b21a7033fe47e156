/**
 * The composers' attach and sticker buttons as a narrow composer's + menu reaches them (ComposerMenu.tsx's `folded`):
 * the refs the buttons take, what picked files do (to the tray, the focus to the text field for a caption, as after
 * a drop) and what the menu's items do. From the menu the field takes the focus before the file picker opens (the
 * item is gone once it closes), so it has it after a cancel too. The room composer and the thread panel's share it.
 */
import { useRef, type RefObject } from 'react';
import { useHasStickers } from './StickerButton.tsx';

export function useFoldedTools(roomId: string, field: RefObject<HTMLTextAreaElement | null>, add: (files: File[]) => void,
  stickersShown = true) {
  const filePicker = useRef<HTMLInputElement>(null);
  const stickerButton = useRef<HTMLButtonElement>(null);
  const stickers = useHasStickers(roomId) && stickersShown;
  return {
    filePicker,
    stickerButton,
    attachFiles: (files: File[]) => { add(files); field.current?.focus(); },
    folded: {
      attach: () => { field.current?.focus(); filePicker.current?.click(); },
      sticker: stickers ? () => stickerButton.current?.click() : undefined,
    },
  };
}
