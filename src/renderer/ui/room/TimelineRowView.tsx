/**
 * What one timeline row shows, by its kind: a day separator (its date a menu of days to jump to), a folded group of
 * state events with the avatars of whoever has read up to any of them, or an event with the "New messages" line
 * above it when it is the first unread and the avatars of those who have read up to it below. Also each kind's
 * height before it is measured, and the names rows show: a sender as named when they sent (the backend keeps it).
 */
import { isolateBidi, plainName, type NameIndex } from '../../../shared/display-name.ts';
import type { DayChoice } from '../../api/jump-to-date.ts';
import type { CallContext } from '../../api/call-signals.ts';
import { displayNameOf, localpart, type TimelineItem } from '../../api/selectors.ts';
import { DaySeparator } from './DaySeparator.tsx';
import { EventRow } from './EventRow.tsx';
import type { NameOf } from './event-view.ts';
import { ReadReceipts, UnreadMarker, type Reader } from './ReadMarkers.tsx';
import { StateGroup } from './StateGroup.tsx';
import type { StateGroupRow, TimelineRow } from './timeline-model.ts';
import type { ReadMarkers } from './use-read-markers.ts';

/** A row's height before it is measured (TanStack Virtual measures each as it renders). */
export function estimateRowHeight(row: TimelineRow | undefined): number {
  if (!row) return 40;
  if (row.kind === 'day') return 42;
  if (row.kind === 'group') return 26;
  if (row.view.kind === 'state') return 26;
  return row.groupStart ? 56 : 28;
}

const NO_READERS: readonly Reader[] = [];

/** Who has read up to some event in a folded group: their avatars sit on the group's line. */
function groupReaders(group: StateGroupRow, readers: ReadonlyMap<string, readonly Reader[]>): readonly Reader[] {
  const all = group.rows.flatMap((r) => readers.get(r.item.event.event_id) ?? []);
  return all.length ? all : NO_READERS;
}

export interface SenderShown {
  senderName: string;
  senderAmbiguous: boolean;
  senderAvatar: string | undefined;
}

/** How the rows name people, from the room's members now and the names the backend kept with each event. */
export function rowNames(names: ReadonlyMap<string, string>, nameIndex: NameIndex, avatars: ReadonlyMap<string, string>): {
  nameOf: NameOf;
  senderOf: (e: TimelineItem['event']) => SenderShown;
} {
  // Names inside sentences ("X changed their name to Y") are isolated, so a right-to-left override stays inside.
  const nameOf: NameOf = (userId, nameThen) => {
    const then = nameThen === undefined ? undefined : nameIndex.resolve(userId, nameThen);
    return isolateBidi(then ? plainName(userId, then) : displayNameOf(names, userId));
  };
  /** The sender as they were named when the event was sent (the backend keeps it), else as they are named now. */
  const senderOf = (e: TimelineItem['event']): SenderShown => {
    const then = e.local_content?.sender_profile;
    const shown = nameIndex.resolve(e.sender, then?.displayname);
    return {
      senderName: shown?.name ?? localpart(e.sender),
      senderAmbiguous: shown?.ambiguous ?? false,
      senderAvatar: then ? then.avatar_url : avatars.get(e.sender),
    };
  };
  return { nameOf, senderOf };
}

export function TimelineRowView({ row, names, markers, callContext, ownUserId, highlight, onToggleGroup, onJumpToDay }: {
  row: TimelineRow;
  names: ReturnType<typeof rowNames>;
  markers: ReadMarkers;
  /** What the call lines need to say how a call ended. */
  callContext: CallContext;
  ownUserId: string | undefined;
  /** The event shown highlighted (just jumped to). */
  highlight: string | null;
  onToggleGroup: (key: string) => void;
  onJumpToDay: (ts: number, choice: DayChoice | 'pick') => void;
}) {
  const { nameOf, senderOf } = names;
  if (row.kind === 'day') return <DaySeparator ts={row.ts} onJump={onJumpToDay} />;
  if (row.kind === 'group') {
    return (<>
      {!row.expanded && row.rows.some((e) => e.item.event.event_id === markers.unreadFrom) && <UnreadMarker />}
      <StateGroup group={row} nameOf={nameOf} onToggle={onToggleGroup} />
      {!row.expanded && <ReadReceipts readers={groupReaders(row, markers.readers)} />}
    </>);
  }
  return (<>
    {row.item.event.event_id === markers.unreadFrom && <UnreadMarker />}
    <EventRow
      item={row.item}
      view={row.view}
      groupStart={row.groupStart}
      {...senderOf(row.item.event)}
      stateText={row.view.kind === 'state' ? row.view.text(nameOf, callContext) : ''}
      own={row.item.event.sender === ownUserId}
      highlighted={highlight !== null && row.item.event.event_id === highlight}
    />
    <ReadReceipts readers={markers.readers.get(row.item.event.event_id) ?? NO_READERS} />
  </>);
}
