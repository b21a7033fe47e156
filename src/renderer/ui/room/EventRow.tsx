/**
 * One timeline row: a day separator, a state change in words, or a message with its sender header (at the start
 * of a group), body, reactions, thread summary (under any root, deleted ones too) and send state (with Retry and
 * Discard when the server refused it). Memoized on small props so a new page or sync re-renders only the rows whose
 * event changed.
 */
import { memo, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import type { TimelineItem } from '../../api/selectors.ts';
import { setOpenUser } from '../../api/user-info.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatClock, formatFullTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import type { EventView } from './event-view.ts';
import { MessageActions } from './MessageActions.tsx';
import { MessageBody, Reactions } from './MessageBody.tsx';
import { PendingStatus } from './PendingStatus.tsx';
import { ThreadSummary } from './ThreadSummary.tsx';

/** Retry or drop a message the server refused; the room's later messages wait until one of the two. */
function FailedSendActions({ transactionId }: { transactionId: string }) {
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const act = (what: Promise<void>) => { what.catch((err: unknown) => setError(errorMessage(err))); };
  return (
    <span className="message-failed-actions">
      <button type="button" onClick={() => act(session.resendEvent(transactionId))}>Retry</button>
      <button type="button" onClick={() => act(session.discardEvent(transactionId))}>Discard</button>
      {error && <span className="message-failed-action-error">{error}</span>}
    </span>
  );
}

/** Height the message toolbar needs above (or under) a row (it is about 32 px tall and overlaps the row by 6). */
const ACTIONS_ROOM_PX = 28;

/**
 * Where the toolbar goes when the row's top is at the top of the timeline's view, where the bar above it would be
 * cut off by the scroller: under the row (over the next one's edge, as it is over the previous one's elsewhere),
 * so it covers none of this row's text; inside the row's top right corner only when the row also reaches the
 * bottom of the view. Above the row everywhere else (see .message-actions).
 */
function placeActions(ev: { currentTarget: HTMLElement }): void {
  const row = ev.currentTarget;
  const view = row.closest('.timeline-scroller')?.getBoundingClientRect();
  const box = row.getBoundingClientRect();
  if (view === undefined || box.top - view.top >= ACTIONS_ROOM_PX) delete row.dataset.actions;
  else row.dataset.actions = view.bottom - box.bottom >= ACTIONS_ROOM_PX + 6 ? 'below' : 'inside';
}

interface EventRowProps {
  item: TimelineItem;
  view: EventView;
  groupStart: boolean;
  /** The display name alone (shown isolated); see senderAmbiguous. */
  senderName: string;
  /** Another member's name looks the same, or the name looks like a user ID: the user ID is shown beside it. */
  senderAmbiguous: boolean;
  senderAvatar: string | undefined;
  /** Precomputed so the memo compares a string instead of a closure. */
  stateText: string;
  own: boolean;
  highlighted: boolean;
}

export const EventRow = memo(function EventRow({ item, view, groupStart, senderName, senderAmbiguous, senderAvatar, stateText, own, highlighted }: EventRowProps) {
  const hour12 = useHour12();
  const e = item.event;
  const common = {
    'data-testid': 'message',
    'data-event-id': e.event_id,
    'data-rowid': e.rowid,
    'data-send-state': item.sendState,
  };
  if (view.kind === 'state') {
    return (
      <div className={`event-state${highlighted ? ' is-highlighted' : ''}`} {...common}>
        <span>{stateText}</span>
        <time className="event-state-time" dateTime={new Date(e.timestamp).toISOString()} title={formatFullTime(e.timestamp, { hour12 })}>
          {formatClock(e.timestamp, { hour12 })}
        </time>
      </div>
    );
  }

  const classes = ['message', groupStart ? 'is-group-start' : 'is-continuation', `send-${item.sendState}`];
  if (own) classes.push('is-own');
  if (highlighted) classes.push('is-highlighted');
  if (view.kind === 'message' && view.msgtype === 'm.notice') classes.push('is-notice');
  const time = (
    <time className="message-time" dateTime={new Date(e.timestamp).toISOString()} title={formatFullTime(e.timestamp, { hour12 })}>
      {formatClock(e.timestamp, { hour12 })}
    </time>
  );
  return (
    <div className={classes.join(' ')} {...common} aria-busy={item.sendState === 'pending'} role="article" tabIndex={-1}
      onPointerEnter={placeActions} onFocus={placeActions}>
      {/* First, so the row's text still ends with the message (tests and screen readers read it in order). */}
      {item.sendState === 'sent' && view.kind === 'message' && e.event_id.startsWith('$') && <MessageActions event={e} />}
      <div className="message-gutter">
        {groupStart ? (
          <button type="button" className="sender-button" tabIndex={-1} aria-hidden="true" onClick={() => setOpenUser(e.room_id, e.sender)}>
            <Avatar id={e.sender} name={senderName} mxc={senderAvatar} size={36} />
          </button>
        ) : time}
      </div>
      <div className="message-main">
        {groupStart && (
          <div className="message-header">
            <button type="button" className="message-sender sender-button is-name" title={e.sender} data-testid="sender-button"
              onClick={() => setOpenUser(e.room_id, e.sender)}>
              <bdi className="message-sender-name" data-testid="sender-name">{senderName}</bdi>
              {senderAmbiguous && <span className="message-sender-id" data-testid="sender-id">{e.sender}</span>}
            </button>
            {time}
          </div>
        )}
        <MessageBody view={view} senderName={senderName} senderId={senderAmbiguous ? e.sender : undefined} eventId={e.event_id} />
        {/* Not under a deleted message (as Element): there is nothing left to react to, and a click would react to it. */}
        {view.kind !== 'deleted' && e.reactions && Object.keys(e.reactions).length > 0 && <Reactions eventId={e.event_id} reactions={e.reactions} />}
        {/* Under a deleted or undecryptable root too (as Element does): its replies are only reached through it. */}
        {e.event_id.startsWith('$') && <ThreadSummary root={e} />}
        {item.sendState === 'pending' && <PendingStatus event={e} />}
        {item.sendState === 'failed' && (
          <div className="message-status message-failed" role="alert" data-testid="send-error">
            Not sent. {item.sendError}
            {e.transaction_id && <FailedSendActions transactionId={e.transaction_id} />}
          </div>
        )}
      </div>
    </div>
  );
});
