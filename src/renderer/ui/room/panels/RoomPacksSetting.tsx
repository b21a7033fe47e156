/**
 * The room's emoji and sticker packs (MSC2545 room state, stable or unstable type) in its settings panel: each
 * pack's images, and for members whose power level allows that state event, adding and removing images as Cinny
 * does. A room without a pack gets one (`im.ponies.room_emotes`, empty state key, as Cinny creates it) with its
 * first image. Those without the power see the images and why they cannot change them.
 */
import type { RoomData } from '../../../api/snapshot.ts';
import { packEvent, packStateKeys, roomName } from '../../../api/image-pack-hooks.ts';
import { ROOM_PACK_TYPE, parseImagePack, roomPackId } from '../../../api/image-packs.ts';
import { canSendState } from '../../../api/room-state.ts';
import { PackEditor } from '../../emoji/PackEditor.tsx';

export function RoomPacksSetting({ roomId, room, own }: { roomId: string; room: RoomData | undefined; own: string | undefined }) {
  const keys = packStateKeys(room);
  const packs = keys.flatMap((key) => {
    const found = packEvent(room, key);
    return found ? [{ key, type: found.type, pack: parseImagePack(found.event.content, roomPackId(roomId, key), roomName(room)) }] : [];
  });
  const mayCreate = canSendState(room, own, ROOM_PACK_TYPE);
  return (
    <section className="settings-section" data-testid="settings-packs">
      <h4>Emoji &amp; stickers</h4>
      {packs.length === 0 && (
        <>
          <p className="settings-note">This room has no emoji or sticker pack.{mayCreate ? ' Add a picture to start one: every member can use it here.' : ''}</p>
          {mayCreate && <PackEditor target={{ kind: 'room', roomId, stateKey: '', type: ROOM_PACK_TYPE }} pack={null} editable testId="room-pack-editor" />}
        </>
      )}
      {packs.map(({ key, type, pack }) => {
        const editable = canSendState(room, own, type);
        return (
          <div key={key} className="settings-pack" data-testid="settings-pack" data-state-key={key}>
            {(packs.length > 1 || pack?.name) && <p className="settings-pack-name">{pack?.name ?? (key || 'Room pack')}</p>}
            <PackEditor target={{ kind: 'room', roomId, stateKey: key, type }} pack={pack} editable={editable} testId="room-pack-editor" />
            {!editable && <p className="settings-note" data-testid="settings-packs-readonly">You don't have permission to change this room's emoji and stickers.</p>}
          </div>
        );
      })}
      {packs.length === 0 && !mayCreate && (
        <p className="settings-note" data-testid="settings-packs-readonly">You don't have permission to add emoji and stickers to this room.</p>
      )}
    </section>
  );
}
