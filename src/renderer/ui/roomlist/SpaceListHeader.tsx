/**
 * The top of the room list while a space is selected: the space's name and *Explore*, which opens the space's
 * home (every room of the space, joined or not). Element has the same entry above a space's rooms; without it, a
 * room open in the space would hide the way to the rooms not yet joined.
 */
import { useStoreSelector } from '../../api/hooks.ts';
import { roomDisplayName } from '../../api/selectors.ts';

export function SpaceListHeader({ spaceId, onExplore }: { spaceId: string; onExplore: (spaceId: string) => void }) {
  const name = useStoreSelector((s) => roomDisplayName(s.rooms.get(spaceId)));
  return (
    <div className="roomlist-space-header" data-testid="space-list-header">
      <span className="roomlist-space-name" title={name}>{name}</span>
      <button type="button" className="roomlist-space-explore" data-testid="space-explore" onClick={() => onExplore(spaceId)}
        aria-label={`Explore the rooms of ${name}`} title="Every room of this space, joined or not">
        <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2"
          strokeLinecap="round" strokeLinejoin="round"><circle cx="11" cy="11" r="7" /><path d="m20 20-4-4" /></svg>
        Explore
      </button>
    </div>
  );
}
