/** A folded run of state events: one line that says what happened, and opens to show each event. */
import { memo } from 'react';
import { formatClock, formatFullTime } from '../common/format.ts';
import { useHour12 } from '../prefs.ts';
import type { NameOf } from './event-view.ts';
import { summarizeGroup } from './state-groups.ts';
import type { StateGroupRow } from './timeline-model.ts';

export const StateGroup = memo(function StateGroup({ group, nameOf, onToggle }: {
  group: StateGroupRow;
  nameOf: NameOf;
  onToggle: (key: string) => void;
}) {
  const hour12 = useHour12();
  const last = group.rows[group.rows.length - 1].item.event;
  const count = group.rows.length;
  return (
    <div className="event-state event-state-group" data-testid="state-group">
      <button type="button" className="state-group-toggle" aria-expanded={group.expanded} onClick={() => onToggle(group.key)}
        title={group.expanded ? 'Hide these changes' : `Show the ${count} changes`}>
        <span className="state-group-chevron" aria-hidden="true">{group.expanded ? '▾' : '▸'}</span>
        <span>{summarizeGroup(group, nameOf)}</span>
      </button>
      <time className="event-state-time" dateTime={new Date(last.timestamp).toISOString()} title={formatFullTime(last.timestamp, { hour12 })}>
        {formatClock(last.timestamp, { hour12 })}
      </time>
    </div>
  );
});
