/**
 * One room or sub-space in a space's home: avatar, name (marked when the space suggests it), topic, member count,
 * whether we are in it, and what we can do (Open, Explore a sub-space we are not in, View invite, Join, Ask to join) or why we cannot, in words;
 * for someone who manages the space that lists it here (this one or a sub-space), Remove, with its refusal in words. A
 * sub-space has a toggle that shows its own rooms below it. Memoized: the home re-renders on every sync (it reads
 * which rooms we are in), a row only when its own room, offer or request changed.
 */
import { memo } from 'react';
import type { SpaceHomeRow, RowAction, RowOffer } from '../../api/space-home-rows.ts';
import type { RowRequest } from '../../api/space-hierarchy.ts';
import { Avatar } from '../common/Avatar.tsx';
import { busyAction, REQUEST_FAILED, summaryName } from '../../api/room-summary.ts';
import { summaryFacts } from '../common/format.ts';

const ACTION: Record<RowAction, { label: string; busy: string; testId: string }> = {
  open: { label: 'Open', busy: 'Open', testId: 'space-room-open' },
  explore: { label: 'Explore', busy: 'Explore', testId: 'space-room-explore' },
  'view-invite': { label: 'View invite', busy: 'View invite', testId: 'space-room-invite' },
  join: { label: 'Join', busy: 'Joining…', testId: 'space-room-join' },
  knock: { label: 'Ask to join', busy: 'Asking…', testId: 'space-room-knock' },
};

/** A removal from the space asked on this row: running, or why it failed. */
export type RemoveState = { readonly kind: 'removing' } | { readonly kind: 'failed'; readonly message: string };

interface Props {
  row: SpaceHomeRow;
  offer: RowOffer;
  joined: boolean;
  /** Members: the synced count for a room we are in (the hierarchy's is from before we joined), else the server's. */
  members: number | undefined;
  request: RowRequest | undefined;
  onAction: (row: SpaceHomeRow, action: RowAction) => void;
  onToggle: (roomId: string) => void;
  /** Set when we may remove the room from the space that lists it here (named `removeFrom`). */
  onRemove?: ((row: SpaceHomeRow) => void) | undefined;
  removeFrom?: string | undefined;
  removal?: RemoveState | undefined;
}

export const SpaceRoomRow = memo(function SpaceRoomRow({ row, offer, joined, members, request, onAction, onToggle, onRemove, removeFrom = 'the space', removal }: Props) {
  const { room, child, depth, expanded, childCount } = row;
  const name = summaryName(room);
  const busy = busyAction(request);
  const facts = summaryFacts(room, members, joined);
  return (
    <li className="space-room" data-testid="space-room" data-room-id={room.roomId} data-match={row.match} style={{ paddingInlineStart: 12 + depth * 28 }}>
      <span className="space-room-toggle-slot">
        {room.isSpace && childCount > 0 && (
          <button type="button" className="icon-button space-room-toggle" data-testid="space-room-expand" aria-expanded={expanded}
            aria-label={`${expanded ? 'Hide' : 'Show'} the rooms of ${name}`} title={expanded ? 'Hide its rooms' : 'Show its rooms'}
            onClick={() => onToggle(room.roomId)}>
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2"
              strokeLinecap="round" strokeLinejoin="round"><path d="m9 6 6 6-6 6" /></svg>
          </button>
        )}
      </span>
      <Avatar id={room.roomId} name={name} mxc={room.avatar} size={40} />
      <div className="space-room-text">
        <div className="space-room-title">
          <span className="space-room-name" title={name}>{name}</span>
          {child.suggested && <span className="space-room-tag" data-testid="space-room-suggested">Suggested</span>}
        </div>
        {room.topic && <p className="space-room-topic" title={room.topic}>{room.topic}</p>}
        {facts.length > 0 && <p className="space-room-facts">{facts.join(' · ')}</p>}
        {offer.note && <p className="space-room-note" data-testid="space-room-note">{offer.note}</p>}
        {request?.kind === 'failed' && (
          <p className="space-room-error" role="alert" data-testid="space-room-error">{REQUEST_FAILED[request.action]}: {request.message}</p>
        )}
        {removal?.kind === 'failed' && <p className="space-room-error" role="alert" data-testid="space-room-remove-error">{removal.message}</p>}
      </div>
      {(offer.actions.length > 0 || onRemove) && (
        <div className="space-room-actions">
          {offer.actions.map((a) => (
            <button key={a} type="button" className={`space-room-button space-room-secondary${a === 'join' || a === 'knock' ? ' space-room-join' : ''}`}
              data-testid={ACTION[a].testId} disabled={busy !== null} aria-label={`${ACTION[a].label}: ${name}`}
              onClick={() => onAction(row, a)}>
              {busy === a ? ACTION[a].busy : ACTION[a].label}
            </button>
          ))}
          {onRemove && (
            <button type="button" className="space-room-button space-room-secondary space-room-remove" data-testid="space-room-remove"
              disabled={removal?.kind === 'removing'} aria-label={`Remove ${name} from ${removeFrom}`} title={`Remove from ${removeFrom}`}
              onClick={() => onRemove(row)}>
              {removal?.kind === 'removing' ? 'Removing…' : 'Remove'}
            </button>
          )}
        </div>
      )}
    </li>
  );
});
