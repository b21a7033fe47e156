/**
 * The sidebar's @ button, which opens the mentions dialog (MentionsDialog.tsx): with the number of unread mentions
 * across every room on it (the rooms' unread highlights, as the Home entry of the spaces bar sums them), so a
 * mention in a room out of sight (another space, far down the list) still shows.
 */
import { useStoreSelector } from '../../api/hooks.ts';
import { selectSpacesModel } from '../../api/spaces.ts';
import { formatCount } from '../common/format.ts';
import './mentions.css';

/** The unread mentions across every room (the Home entry's highlights). */
export function useUnreadMentions(): number {
  return useStoreSelector((s) => selectSpacesModel(s).entries.find((e) => e.id === 'home')?.counts.highlights ?? 0);
}

export function MentionsButton({ onOpen }: { onOpen: () => void }) {
  const unread = useUnreadMentions();
  const label = unread ? `Mentions, ${unread} unread` : 'Mentions';
  return (
    <button type="button" className="icon-button mentions-button" onClick={onOpen} title={label} aria-label={label} data-testid="open-mentions">
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" d="M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0zM16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-3.9 7.9" />
      </svg>
      {unread > 0 && <span className="space-badge badge badge-highlight" data-testid="mentions-unread" aria-hidden="true">{formatCount(unread)}</span>}
    </button>
  );
}
