/**
 * The Emoji & stickers tab (MSC2545 packs, laid out as Cinny's): the user's own pack, edited here, then every pack
 * of the rooms they are in, each with its name, picture, room and a few images, and a "Use everywhere" switch that
 * lists or unlists it in the account data other clients read too. A room's pack is edited in that room's settings,
 * where its power levels are known.
 */
import { useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { useRoomPackSources, type RoomPackSource } from '../../api/image-pack-sources.ts';
import { isPackEverywhere, setPackEverywhere } from '../../api/image-pack-writes.ts';
import { USER_PACK_TYPE, parseImagePack, readPackMeta, roomPackId } from '../../api/image-packs.ts';
import { Avatar } from '../common/Avatar.tsx';
import { mediaUrl } from '../common/avatar-url.ts';
import { PackEditor, PackImages } from '../emoji/PackEditor.tsx';
import { Toggle } from './controls.tsx';

const USER_TARGET = { kind: 'user' } as const;

export function PackSettings() {
  const userContent = useStoreSelector((s) => s.accountData[USER_PACK_TYPE]?.content);
  const userPack = parseImagePack(userContent, 'user', 'Your emoji');
  const { sources, loading, error } = useRoomPackSources();

  return (
    <>
      <h3>Emoji &amp; stickers</h3>
      <p className="settings-intro">
        Custom emoji and stickers come in packs. Your own pack goes with you to every room; a room's packs are offered in
        that room, and in all your rooms once you choose to use them everywhere. Pictures in packs are not encrypted:
        your homeserver can see them.
      </p>
      <h4 className="settings-subhead">Your pack</h4>
      <PackEditor target={USER_TARGET} pack={userPack} meta={readPackMeta(userContent)} fallbackName="Your emoji" editable testId="user-pack" />
      <h4 className="settings-subhead">Packs of your rooms</h4>
      {error && <p className="settings-alert" role="alert">{error}</p>}
      {sources.length === 0
        ? <p className="settings-hint" data-testid="room-packs-empty">{loading ? 'Looking through your rooms…' : 'None of your rooms has a pack. A room\'s admins add one in its settings.'}</p>
        : (
          <ul className="pack-list" data-testid="room-packs">
            {sources.map((s) => <RoomPackRow key={roomPackId(s.ref.room_id, s.ref.state_key)} source={s} />)}
          </ul>
        )}
    </>
  );
}

function RoomPackRow({ source }: { source: RoomPackSource }) {
  const session = useSession();
  const on = useStoreSelector((s) => isPackEverywhere(s, source.ref));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { pack, meta } = source;
  const name = meta.displayName ?? source.roomName;
  const icon = meta.avatarUrl ?? pack?.icon;

  function toggle(next: boolean): void {
    setBusy(true);
    setError(null);
    setPackEverywhere(session, source.ref, next)
      .catch((e: unknown) => setError(`Could not change where this pack is used: ${errorMessage(e)}`))
      .finally(() => setBusy(false));
  }

  return (
    <li className="pack-row" data-testid="room-pack" data-pack-id={roomPackId(source.ref.room_id, source.ref.state_key)}>
      {icon
        ? <img className="pack-row-avatar" src={mediaUrl(icon, { cssW: 40, cssH: 40, scale: true })} alt="" draggable={false} />
        : <Avatar id={source.ref.room_id} name={source.roomName} mxc={source.roomAvatar} size={40} />}
      <div className="pack-row-main">
        <span className="pack-row-name" data-testid="room-pack-name">{name}</span>
        {meta.attribution && <span className="pack-row-room" title={meta.attribution}>{meta.attribution}</span>}
        <span className="pack-row-room">in {source.roomName}{pack ? ` · ${pack.images.length} ${pack.images.length === 1 ? 'image' : 'images'}` : ' · no images yet'}</span>
        {pack && <PackImages images={pack.images} max={8} />}
        {error && <p className="settings-alert" role="alert">{error}</p>}
      </div>
      <Toggle label="Use everywhere" checked={on} disabled={busy} onChange={toggle} testId="room-pack-everywhere" />
    </li>
  );
}
