/**
 * "Add existing rooms" from a space's home, as Element's dialog: the joined rooms, spaces and direct chats not in the
 * space yet, with a filter and a checkbox each (a space that holds this one greyed out, saying why: adding it would make
 * a loop); Add lists the chosen ones in the space (and names the space as their
 * own where our power allows: space-manage.ts), then reads the space's hierarchy again so its home shows them. A
 * refusal says which room and why; the rooms added before it leave the list as the sync brings them in.
 */
import { useMemo, useState } from 'react';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { refreshHierarchy } from '../../api/space-hierarchy.ts';
import { addCandidates, addRoomsToSpace, type AddCandidate } from '../../api/space-manage.ts';
import { Avatar } from '../common/Avatar.tsx';
import { Dialog } from '../dialogs/Dialog.tsx';
import './space-home.css';

const SECTIONS: readonly { kind: AddCandidate['kind']; title: string }[] = [
  { kind: 'room', title: 'Rooms' },
  { kind: 'space', title: 'Spaces' },
  { kind: 'dm', title: 'Direct messages' },
];

export function AddRoomsDialog({ spaceId, spaceName, onClose }: { spaceId: string; spaceName: string; onClose: () => void }) {
  const session = useSession();
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const roomList = useStoreSelector((s) => s.roomList);
  const rooms = useStoreSelector((s) => s.rooms);
  const spaceEdges = useStoreSelector((s) => s.spaceEdges);
  const all = useMemo(() => addCandidates({ roomList, rooms, spaceEdges }, spaceId, ''), [roomList, rooms, spaceEdges, spaceId]);
  const shown = useMemo(() => addCandidates({ roomList, rooms, spaceEdges }, spaceId, query), [roomList, rooms, spaceEdges, spaceId, query]);
  // Only what can still be added counts: a room the sync has brought into the space meanwhile is done, and a space
  // that has come to hold this one meanwhile would make a loop.
  const picked = all.filter((c) => chosen.has(c.roomId) && !c.blocked);
  const toggle = (id: string) => setChosen((s) => {
    const next = new Set(s);
    if (!next.delete(id)) next.add(id);
    return next;
  });

  async function add(): Promise<void> {
    try {
      await addRoomsToSpace(session, spaceId, picked.map((c) => c.roomId), new Map(picked.map((c) => [c.roomId, c.name])));
    } finally {
      void refreshHierarchy(session, spaceId);
    }
  }

  return (
    <Dialog title={`Add existing rooms to ${spaceName}`} testId="add-rooms-dialog" onClose={onClose} onSubmit={add}
      canSubmit={picked.length > 0} submitLabel={picked.length > 1 ? `Add ${picked.length} rooms` : 'Add'}>
      <input type="search" className="add-rooms-filter" data-testid="add-rooms-filter" value={query} placeholder="Filter rooms"
        aria-label="Filter your rooms by name or address" onChange={(e) => setQuery(e.target.value)} autoFocus />
      <div className="add-rooms-list" data-testid="add-rooms-list">
        {all.length === 0 ? (
          <p className="add-rooms-empty" data-testid="add-rooms-none">Every room you are in is in this space already.</p>
        ) : shown.length === 0 ? (
          <p className="add-rooms-empty" data-testid="add-rooms-no-match">No rooms match “{query.trim()}”.</p>
        ) : SECTIONS.map(({ kind, title }) => {
          const rows = shown.filter((c) => c.kind === kind);
          if (rows.length === 0) return null;
          return (
            <section key={kind} className="add-rooms-section" aria-label={title}>
              <h3>{title}</h3>
              <ul>
                {rows.map((c) => (
                  <li key={c.roomId}>
                    <label className={`add-rooms-row${c.blocked ? ' is-disabled' : ''}`} data-testid="add-rooms-row" data-room-id={c.roomId}>
                      <Avatar id={c.roomId} name={c.name} mxc={c.avatar} size={28} />
                      <span className="add-rooms-text">
                        <span className="add-rooms-name" title={c.name}>{c.name}</span>
                        {c.blocked && <span className="add-rooms-blocked" id={`add-rooms-blocked-${c.roomId}`} data-testid="add-rooms-blocked">{c.blocked}</span>}
                      </span>
                      <input type="checkbox" checked={chosen.has(c.roomId) && !c.blocked} disabled={c.blocked !== null} onChange={() => toggle(c.roomId)}
                        aria-label={`Add ${c.name}`} aria-describedby={c.blocked ? `add-rooms-blocked-${c.roomId}` : undefined} />
                    </label>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </Dialog>
  );
}
