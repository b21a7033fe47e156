/**
 * The composers' sticker button (MSC2545 packs with stickers): a picker of stickers only, sending the one picked as
 * `m.sticker` with the composer's relation (a reply in the room's composer, the thread in the thread panel's). It is
 * shown only when a pack offered in the room has stickers (`useHasStickers`, which the composers' + menu asks too: a
 * narrow composer folds this button into it).
 */
import type { RefObject } from 'react';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { sendSticker } from '../../api/actions.ts';
import { useSession } from '../../api/hooks.ts';
import { useImagePacks } from '../../api/image-pack-hooks.ts';
import { packsFor } from '../../api/image-packs.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';

/** A pack offered in the room has stickers: the sticker button shows. */
export function useHasStickers(roomId: string): boolean {
  return packsFor(useImagePacks(roomId), 'sticker').length > 0;
}

export function StickerButton({ roomId, testId, relation, onError, buttonRef }: {
  roomId: string;
  testId: string;
  buttonRef?: RefObject<HTMLButtonElement | null>;
  /** Asked when a sticker is picked: the relation to send it with (and the composer may leave its reply mode). */
  relation: () => JSONObject | undefined;
  onError: (message: string) => void;
}) {
  const session = useSession();
  if (!useHasStickers(roomId)) return null;
  return (
    <EmojiButton className="composer-tool composer-foldable" label="Send a sticker" testId={testId} roomId={roomId} stickers buttonRef={buttonRef} onPick={(p) => {
      if (!('image' in p)) return;
      sendSticker(session, roomId, p.image, relation()).catch((err: unknown) => onError(`Could not send the sticker: ${errorMessage(err)}`));
    }}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round">
        <path d="M6 4h12a2 2 0 0 1 2 2v8l-6 6H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
        <path d="M20 14h-4a2 2 0 0 0-2 2v4M9.5 9.5h.01M14.5 9.5h.01" />
      </svg>
    </EmojiButton>
  );
}
