/**
 * The timeline's read markers: the "New messages" line above the first message that was unread when the room was
 * opened, the bar over the timeline leading back to that line while it is out of sight (use-unread-jump.ts), and the
 * small avatars of the members whose read receipt is on an event, under it (three at most, then
 * "+N"; every name in the tooltip and the accessible label).
 */
import { memo } from 'react';
import { Avatar } from '../common/Avatar.tsx';
import './read-markers.css';

export const UnreadMarker = memo(function UnreadMarker() {
  return (
    <div className="unread-marker" role="separator" aria-label="New messages" data-testid="unread-marker">
      <span>New messages</span>
    </div>
  );
});

/** Over the top of the timeline, as Element's: the jump, and × to mark the room read instead. */
export function UnreadJumpBar({ onJump, onMarkRead }: { onJump: () => unknown; onMarkRead: () => void }) {
  return (
    <div className="unread-jump" data-testid="unread-jump">
      <button type="button" className="unread-jump-go" onClick={() => void onJump()} title="Jump to first unread message (Shift+Page Up)"
        aria-keyshortcuts="Shift+PageUp" data-testid="unread-jump-go">
        <span aria-hidden="true">↑</span> Jump to first unread message
      </button>
      <button type="button" className="unread-jump-close" onClick={onMarkRead} aria-label="Mark as read" title="Mark as read"
        data-testid="unread-jump-mark-read">
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

const SHOWN = 3;

export interface Reader {
  readonly userId: string;
  readonly name: string;
  readonly avatar: string | undefined;
}

export const ReadReceipts = memo(function ReadReceipts({ readers }: { readers: readonly Reader[] }) {
  if (!readers.length) return null;
  // Newest reader first, as they would stack up.
  const newest = [...readers].reverse();
  const label = `Read by ${newest.map((r) => r.name).join(', ')}`;
  const more = newest.length - SHOWN;
  return (
    <div className="read-receipts" role="img" aria-label={label} title={label} data-testid="read-receipts">
      {newest.slice(0, SHOWN).map((r) => <Avatar key={r.userId} id={r.userId} name={r.name} mxc={r.avatar} size={16} />)}
      {more > 0 && <span className="read-receipts-more">+{more}</span>}
    </div>
  );
});
