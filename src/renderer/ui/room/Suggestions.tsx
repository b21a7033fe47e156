/** A composer's autocomplete list: slash commands with their usage and help, members, rooms or emoji (custom ones with their picture). */
import type { Suggestion } from '../../api/autocomplete.ts';
import { mediaUrl } from '../common/avatar-url.ts';

export function Suggestions({ items, active, onChoose, onHover, idPrefix = 'composer' }: {
  /** Element IDs for aria-controls and aria-activedescendant: one per composer on the page. */
  idPrefix?: string;
  items: readonly Suggestion[];
  active: number;
  onChoose: (i: number) => void;
  onHover: (i: number) => void;
}) {
  return (
    <ul className="composer-suggestions" id={`${idPrefix}-suggestions`} role="listbox" data-testid={`${idPrefix}-suggestions`}>
      {items.map((s, i) => (
        <li
          key={s.key}
          id={`${idPrefix}-suggestion-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'is-active' : undefined}
          data-testid="composer-suggestion"
          data-key={s.key}
          // mousedown, not click: the textarea keeps its focus and cursor
          onMouseDown={(e) => { e.preventDefault(); onChoose(i); }}
          onMouseEnter={() => onHover(i)}
        >
          <span className="composer-suggestion-label">
            {s.image && <img className="composer-suggestion-image" src={mediaUrl(s.image, { cssW: 20, cssH: 20, scale: true })} alt="" draggable={false} />}
            {s.label}
          </span>
          <span className="composer-suggestion-detail">{s.detail}</span>
        </li>
      ))}
    </ul>
  );
}
