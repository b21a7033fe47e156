/**
 * Turns the store's timeline items into display rows: hides what the timeline does not show, inserts day
 * separators and marks where a new sender group starts. Pure, and keeps row objects small so memoized rows can
 * compare their props cheaply.
 */
import type { Event, EventRowID } from '../../../shared/rpc/types.ts';
import type { TimelineItem } from '../../api/selectors.ts';
import { dayKey } from '../common/format.ts';
import { viewEvent, type EventView } from './event-view.ts';

/** Consecutive messages from one sender closer than this share a header. */
export const GROUP_GAP_MS = 5 * 60_000;

export type TimelineRow =
  | { kind: 'day'; key: string; ts: number }
  | {
    kind: 'event';
    key: string;
    item: TimelineItem;
    view: EventView;
    /** The edit shown in place of the original, kept so memoized rows notice a new edit. */
    edit: Event | undefined;
    /** First message of a sender group: shows avatar and name. */
    groupStart: boolean;
  };

const viewMemo = new WeakMap<Event, { edit: Event | undefined; view: EventView | null }>();

/** Same view object for the same event and edit, so memoized rows see unchanged props. */
function cachedView(e: Event, edit: Event | undefined): EventView | null {
  const hit = viewMemo.get(e);
  if (hit && hit.edit === edit) return hit.view;
  const view = viewEvent(e, edit);
  viewMemo.set(e, { edit, view });
  return view;
}

export function buildRows(items: readonly TimelineItem[], events: ReadonlyMap<EventRowID, Event>): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastDay = '';
  let lastSender: string | null = null;
  let lastTs = 0;
  for (const item of items) {
    const e = item.event;
    const edit = e.last_edit_rowid ? events.get(e.last_edit_rowid) : undefined;
    const view = cachedView(e, edit);
    if (!view) continue;
    const day = dayKey(e.timestamp);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, ts: e.timestamp });
      lastDay = day;
      lastSender = null;
    }
    const isMessage = view.kind !== 'state';
    const groupStart = !isMessage || lastSender !== e.sender || e.timestamp - lastTs > GROUP_GAP_MS;
    rows.push({ kind: 'event', key: `e${e.rowid}`, item, view, edit, groupStart });
    lastSender = isMessage ? e.sender : null;
    lastTs = e.timestamp;
  }
  return rows;
}
