/**
 * One room-list row: avatar, name, encrypted and muted marks, preview (marked with a thread icon when it is a reply in
 * a thread, as Element marks it), time (beside the name, or beside the preview in a small window), unread or
 * highlight badge. Memoized on
 * the room's data object, which the store keeps identical while a sync does not touch the room, so a sync touching
 * 50 of 2,000 rooms re-renders 50 rows at most (and only those in view exist at all).
 */
import { isolateBidi } from '../../../shared/display-name.ts';
import { memo } from 'react';
import { hasTag } from '../../api/room-list-actions.ts';
import { displayNameOf, roomDisplayName, selectMemberNames, selectPreviewEvent } from '../../api/selectors.ts';
import type { RoomData } from '../../api/snapshot.ts';
import { isThreadReply } from '../../api/threads.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatCount, formatFullTime, formatListTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import { previewText } from '../room/event-view.ts';
import { callRecords } from '../../api/call-signals.ts';
import { effectiveType } from '../../../shared/event-cleartext.ts';

interface ItemProps {
  room: RoomData;
  selected: boolean;
  ownUserId: string | undefined;
  compact: boolean;
  /** The account's push rules mute the room (see room-list-actions.ts). */
  muted: boolean;
  index: number;
  /** The one row Tab stops at (roving tabindex): the selected room, else the first. */
  tabbable: boolean;
  onSelect: (roomId: string) => void;
}

export const RoomListItem = memo(function RoomListItem({ room, selected, ownUserId, compact, muted, index, tabbable, onSelect }: ItemProps) {
  const hour12 = useHour12();
  const meta = room.meta!;
  const name = roomDisplayName(room);
  const preview = selectPreviewEvent(room);
  const names = selectMemberNames(room);
  const nameOf = (userId: string): string => {
    if (userId === ownUserId) return 'You';
    // Members are loaded only when a room is opened; a DM's name is already its partner's display name.
    if (userId === meta.dm_user_id && meta.name && !names.has(userId)) return isolateBidi(meta.name);
    // Isolated: the name is followed by the message in one line of text.
    return isolateBidi(displayNameOf(names, userId));
  };
  const edit = preview?.last_edit_rowid ? room.events.get(preview.last_edit_rowid) : undefined;
  // A call's end says "Missed call" or how long it lasted from the room's other call events (only looked at then).
  const calls = preview && effectiveType(preview).startsWith('m.call.') ? { calls: callRecords(room.events.values()), ownUserId } : undefined;
  const text = compact ? '' : previewText(preview, nameOf, edit, meta.dm_user_id, calls);
  const ts = preview?.timestamp || meta.sorting_timestamp;
  const highlight = meta.unread_highlights > 0;
  const count = Math.max(meta.unread_notifications, meta.unread_highlights);
  const unread = meta.unread_messages > 0 || count > 0 || meta.marked_unread === true;

  let badgeLabel = '';
  if (count > 0) badgeLabel = `${count} ${highlight ? 'mentions' : 'notifications'}`;
  else if (unread) badgeLabel = 'unread messages';

  const badge = count > 0 ? (
    <span className={`badge${highlight ? ' badge-highlight' : ''}`} data-testid="room-unread">{formatCount(count)}</span>
  ) : unread ? (
    <span className="badge-dot" data-testid="room-unread" />
  ) : null;

  const time = (className: string) => ts > 0 && (
    <time className={className} dateTime={new Date(ts).toISOString()} title={formatFullTime(ts, { hour12 })}>{formatListTime(ts, undefined, { hour12 })}</time>
  );

  return (
    <button
      type="button"
      className={`roomlist-item${selected ? ' is-selected' : ''}${unread ? ' is-unread' : ''}${muted ? ' is-muted' : ''}`}
      data-testid="room-item"
      data-room-id={room.id}
      data-index={index}
      role="option"
      aria-selected={selected}
      aria-label={`${name}${meta.encryption_event ? ', encrypted' : ''}${muted ? ', muted' : ''}${hasTag(room, 'm.lowpriority') ? ', low priority' : ''}${badgeLabel ? `, ${badgeLabel}` : ''}`}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => onSelect(room.id)}
    >
      <Avatar id={room.id} name={name} mxc={meta.avatar} size={compact ? 24 : 40} />
      <span className="roomlist-item-body">
        <span className="roomlist-item-top">
          <span className="roomlist-item-name">{name}</span>
          {meta.encryption_event && <span className="roomlist-item-e2ee" title="End-to-end encrypted" aria-hidden="true">🔒</span>}
          {muted && <span className="roomlist-item-muted" title="Muted" aria-hidden="true" data-testid="room-muted">🔕</span>}
          {compact ? badge : time('roomlist-item-time')}
        </span>
        {!compact && (
          <span className="roomlist-item-bottom">
            <span className="roomlist-item-preview">
              {text && preview && isThreadReply(preview) && (
                <span className="roomlist-item-thread" role="img" aria-label="In a thread" title="In a thread" data-testid="room-preview-thread">
                  <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
                    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z" /><path d="M8.5 10.5h7M8.5 14h4.5" />
                  </svg>
                </span>
              )}
              {text || '\u00a0'}
            </span>
            {/* The same time, shown here instead in a small window (roomlist.css), where the name needs the top row. */}
            {time('roomlist-item-time is-below')}
            {badge}
          </span>
        )}
      </span>
    </button>
  );
});
