/**
 * The Off / On / Noisy grid of the Notifications tab, as Element's: one section per kind (messages, mentions and
 * keywords, other events), a row per default push rule with three radio buttons under the column headings. The
 * mapping to push rules is in api/notification-defaults.ts. A row whose rule the homeserver lacks is disabled and
 * says so; each section shows its own errors under its grid.
 */
import type { ReactNode } from 'react';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import {
  applyEdits, LEVELS, levelEdits, SECTIONS, selectNotificationLevels, type Level, type RowId, type SectionId,
} from '../../api/notification-defaults.ts';
import { ErrorLine, useAction } from './controls.tsx';

const LABEL: Record<Level, string> = { off: 'Off', on: 'On', noisy: 'Noisy' };
const MISSING = 'Your homeserver does not have the push rule for this, so it cannot be changed.';
const NO_KEYWORDS = 'Add a keyword below to choose how it notifies.';
const HINTS: Partial<Record<RowId, string>> = {
  display_name: 'And mentions of me with a pill.',
  room: 'Messages that notify the whole room.',
  bots: 'Notices from bots and bridges.',
};

/** One section's grid; `children` come under it (the keyword list under mentions and keywords). */
export function LevelSection({ section, off, children }: { section: SectionId; off: boolean; children?: ReactNode }) {
  const session = useSession();
  const levels = useStoreSelector(selectNotificationLevels);
  const action = useAction();
  const { title, rows } = SECTIONS.find((s) => s.id === section)!;
  return (
    <>
      <div className="settings-levels" role="group" aria-labelledby={`notify-section-${section}`} data-testid={`notify-section-${section}`}>
        <div className="settings-levels-head">
          <h4 className="settings-subhead" id={`notify-section-${section}`}>{title}</h4>
          {LEVELS.map((l) => <span key={l} className="settings-levels-column" aria-hidden="true">{LABEL[l]}</span>)}
        </div>
        {rows.map(({ id, label }) => {
          const current = levels[id];
          const disabled = off || action.busy || current === null;
          const hint = off ? HINTS[id] : current === null ? (id === 'keywords' ? NO_KEYWORDS : MISSING) : HINTS[id];
          return (
            <div key={id} className={`settings-levels-row${disabled ? ' is-disabled' : ''}`} role="radiogroup"
              aria-labelledby={`notify-row-${id}-label`} data-testid={`notify-row-${id}`}>
              <span className="settings-toggle-text">
                <span className="settings-toggle-label" id={`notify-row-${id}-label`}>{label}</span>
                {hint && <span className="settings-hint">{hint}</span>}
              </span>
              {LEVELS.map((l) => (
                <label key={l} className="settings-levels-cell">
                  <input type="radio" name={`notify-row-${id}`} value={l} checked={current === l} disabled={disabled}
                    aria-label={LABEL[l]} data-testid={`notify-${id}-${l}`}
                    onChange={() => void action.run(() => applyEdits(session, levelEdits(session.store.getSnapshot(), id, l)))} />
                </label>
              ))}
            </div>
          );
        })}
      </div>
      <ErrorLine error={action.error} testId={`notify-section-${section}-error`} />
      {children}
    </>
  );
}
