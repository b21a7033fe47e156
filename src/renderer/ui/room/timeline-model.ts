/**
 * Turns the store's timeline items into display rows: hides what the timeline does not show (thread replies live
 * in the thread panel), inserts day separators, marks where a new sender group starts and folds runs of state
 * events (state-groups.ts). Pure, and keeps row
 * objects small so memoized rows can compare their props cheaply.
 */
import type { Event, EventRowID } from '../../../shared/rpc/types.ts';
import type { TimelineItem } from '../../api/selectors.ts';
import { isThreadReply } from '../../api/threads.ts';
import { dayKey } from '../common/format.ts';
import { viewEvent, type EventView } from './event-view.ts';
import { foldStateRuns, isHiddenMemberEvent, SHOW_ALL_MEMBER_EVENTS, type MemberEventFilter } from './state-groups.ts';

/** Consecutive messages from one sender closer than this share a header. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface EventRowData {
  kind: 'event';
  key: string;
  item: TimelineItem;
  view: EventView;
  /** The edit shown in place of the original, kept so memoized rows notice a new edit. */
  edit: Event | undefined;
  /** First message of a sender group: shows avatar and name. */
  groupStart: boolean;
}

/** A run of state events folded into one line (see state-groups.ts); when expanded, its rows follow it. */
export interface StateGroupRow {
  kind: 'group';
  key: string;
  /** The run that set the room up, started by its m.room.create. */
  creation: boolean;
  rows: readonly EventRowData[];
  expanded: boolean;
}

export type TimelineRow = { kind: 'day'; key: string; ts: number } | EventRowData | StateGroupRow;

/** An event's row key: the virtualizer's key for its row, and how a row asks to be kept rendered (use-held-rows.ts). */
export function eventRowKey(rowid: EventRowID): string {
  return `e${rowid}`;
}

const NONE_EXPANDED: ReadonlySet<string> = new Set();

interface ViewMemo { edit: Event | undefined; view: EventView | null; day: string }
const viewMemo = new WeakMap<Event, ViewMemo>();

/**
 * Same view object for the same event and edit, so memoized rows see unchanged props; the event's calendar day
 * is kept with it, so rebuilding the rows after a history page costs a lookup per event, not a Date.
 */
function cachedView(e: Event, edit: Event | undefined): ViewMemo {
  const hit = viewMemo.get(e);
  if (hit && hit.edit === edit) return hit;
  const memo = { edit, view: viewEvent(e, edit), day: hit?.day ?? dayKey(e.timestamp) };
  viewMemo.set(e, memo);
  return memo;
}

/**
 * `expanded`: the keys of the state groups the user opened; `hide`: the membership changes left out, before
 * folding, so a run of only hidden changes leaves no group line behind.
 */
export function buildRows(items: readonly TimelineItem[], events: ReadonlyMap<EventRowID, Event>,
  expanded: ReadonlySet<string> = NONE_EXPANDED, hide: MemberEventFilter = SHOW_ALL_MEMBER_EVENTS): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastDay = '';
  let lastSender: string | null = null;
  let lastTs = 0;
  for (const item of items) {
    const e = item.event;
    if (isThreadReply(e)) continue; // shown in the thread panel; the root shows the summary
    if (isHiddenMemberEvent(e, hide)) continue;
    const edit = e.last_edit_rowid ? events.get(e.last_edit_rowid) : undefined;
    const { view, day } = cachedView(e, edit);
    if (!view) continue;
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, ts: e.timestamp });
      lastDay = day;
      lastSender = null;
    }
    const isMessage = view.kind !== 'state';
    const groupStart = !isMessage || lastSender !== e.sender || e.timestamp - lastTs > GROUP_GAP_MS;
    rows.push({ kind: 'event', key: eventRowKey(e.rowid), item, view, edit, groupStart });
    lastSender = isMessage ? e.sender : null;
    lastTs = e.timestamp;
  }
  return foldStateRuns(rows, expanded);
}
