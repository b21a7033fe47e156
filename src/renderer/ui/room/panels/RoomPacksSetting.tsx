/**
 * The room's emoji and sticker packs (MSC2545 room state, stable or unstable type, one per state key) in its
 * settings panel: each pack's name, picture and images, and for members whose power level allows that pack's state
 * event, changing its name, picture, attribution and usage and adding and removing images as Cinny does. A room without a pack gets one (`im.ponies.room_emotes`, empty state key, as Cinny creates it) with its
 * first image; a room with one can have more, each named when created (its state key made from the name, as Cinny
 * makes it), and a pack can be deleted after a confirmation (its state emptied, as Cinny deletes one). Those
 * without the power see the images and why they cannot change them.
 */
import { useId, useState, type FormEvent } from 'react';
import { useSession } from '../../../api/hooks.ts';
import type { RoomData } from '../../../api/snapshot.ts';
import { packEvent, packStateKeys, roomName } from '../../../api/image-pack-hooks.ts';
import { createRoomPack, deleteRoomPack } from '../../../api/image-pack-writes.ts';
import { ROOM_PACK_TYPE, parseImagePack, readPackMeta, roomPackId, type RoomPackType } from '../../../api/image-packs.ts';
import { canSendState } from '../../../api/room-state.ts';
import { PackEditor } from '../../emoji/PackEditor.tsx';
import { useAction } from '../../settings/controls.tsx';

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
            {editable
              ? <DeletePack roomId={roomId} stateKey={key} type={type} name={meta.displayName ?? roomName(room)} />
              : <p className="settings-note" data-testid="settings-packs-readonly">You don't have permission to change this room's emoji and stickers.</p>}
          </div>
        );
      })}
      {packs.length > 0 && mayCreate && <NewPack roomId={roomId} />}
      {packs.length === 0 && !mayCreate && (
        <p className="settings-note" data-testid="settings-packs-readonly">You don't have permission to add emoji and stickers to this room.</p>
      )}
    </section>
  );
}

/** *Delete pack*, then a confirmation that says what goes with it. */
function DeletePack({ roomId, stateKey, type, name }: { roomId: string; stateKey: string; type: RoomPackType; name: string }) {
  const session = useSession();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <div className="pack-delete">
      {confirming ? (
        <div className="pack-delete-confirm" role="group" aria-label={`Delete ${name}`}>
          <p className="settings-note">Delete “{name}”? Its emoji and stickers go from every member’s picker; messages that used them keep them.</p>
          <div className="pack-add-row">
            <button type="button" className="pack-button is-danger" disabled={busy} data-testid="pack-delete-confirm"
              onClick={() => void run(() => deleteRoomPack(session, { kind: 'room', roomId, stateKey, type }))}>
              {busy ? 'Deleting…' : 'Delete pack'}
            </button>
            <button type="button" className="pack-button" disabled={busy} onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </div>
      ) : (
        <button type="button" className="pack-button is-quiet" data-testid="pack-delete" onClick={() => setConfirming(true)}>Delete pack…</button>
      )}
      {error && <p className="pack-alert" role="alert" data-testid="pack-delete-error">{error}</p>}
    </div>
  );
}

/** Another pack for the room: a name, then *Create pack*; the pack shows in the list above once the sync has it. */
function NewPack({ roomId }: { roomId: string }) {
  const session = useSession();
  const id = useId();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function create(e: FormEvent): Promise<void> {
    e.preventDefault();
    setCreated(null);
    const wanted = name.trim();
    if (await run(async () => { await createRoomPack(session, roomId, wanted); })) {
      setName('');
      setCreated(`Created “${wanted}”: add its images above.`);
    }
  }

  return (
    <form className="pack-new" aria-label="New pack" data-testid="pack-new" onSubmit={(e) => void create(e)}>
      <div className="pack-add-row">
        <label htmlFor={`${id}-name`} className="pack-add-label">New pack</label>
        <input id={`${id}-name`} className="pack-textbox" value={name} maxLength={200} placeholder="Name" autoComplete="off"
          data-testid="pack-new-name" onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="pack-button is-primary" disabled={busy || !name.trim()} data-testid="pack-new-create">
          {busy ? 'Creating…' : 'Create pack'}
        </button>
      </div>
      {error && <p className="pack-alert" role="alert" data-testid="pack-new-error">{error}</p>}
      {created && <p className="pack-ok" role="status">{created}</p>}
    </form>
  );
}
