/**
 * The room's emoji and sticker packs (MSC2545 room state, stable or unstable type, one per state key) in its
 * settings panel: each pack's name, picture and images, and for members whose power level allows that pack's state
 * event, changing its name, picture, attribution and usage and adding and removing images as Cinny does. A room without a pack gets one (`im.ponies.room_emotes`, empty state key, as Cinny creates it) with its
 * first image. Those without the power see the images and why they cannot change them.
 */
import type { RoomData } from '../../../api/snapshot.ts';
import { packEvent, packStateKeys, roomName } from '../../../api/image-pack-hooks.ts';
import { ROOM_PACK_TYPE, parseImagePack, readPackMeta, roomPackId } from '../../../api/image-packs.ts';
import { canSendState } from '../../../api/room-state.ts';
import { PackEditor } from '../../emoji/PackEditor.tsx';

export function RoomPacksSetting({ roomId, room, own }: { roomId: string; room: RoomData | undefined; own: string | undefined }) {
  const keys = packStateKeys(room);
  const packs = keys.flatMap((key) => {
    const found = packEvent(room, key);
    return found ? [{
      key, type: found.type, pack: parseImagePack(found.event.content, roomPackId(roomId, key), roomName(room)), meta: readPackMeta(found.event.content),
    }] : [];
  });
  const mayCreate = canSendState(room, own, ROOM_PACK_TYPE);
  return (
    <section className="settings-section" data-testid="settings-packs">
      <h4>Emoji &amp; stickers</h4>
      {packs.length === 0 && (
        <>
          <p className="settings-note">This room has no emoji or sticker pack.{mayCreate ? ' Add a picture to start one: every member can use it here.' : ''}</p>
          {mayCreate && (
            <PackEditor target={{ kind: 'room', roomId, stateKey: '', type: ROOM_PACK_TYPE }} pack={null} meta={{}} fallbackName={roomName(room)}
              editable testId="room-pack-editor" />
          )}
        </>
      )}
      {packs.map(({ key, type, pack, meta }) => {
        const editable = canSendState(room, own, type);
        return (
          <div key={key} className="settings-pack" data-testid="settings-pack" data-state-key={key}>
            <PackEditor target={{ kind: 'room', roomId, stateKey: key, type }} pack={pack} meta={meta} fallbackName={roomName(room)}
              editable={editable} testId="room-pack-editor" />
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
