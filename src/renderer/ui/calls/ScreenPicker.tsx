/**
 * The desktop app's picker of what to share in a call, as Element Desktop has: when the page calls getDisplayMedia
 * the shell sends the screens and windows it may share (src/shared/screen-pick.ts), and this dialog shows them in
 * two tabs, Screens and Windows, as pictures with their names. Share answers with the one chosen; Cancel, Esc or
 * closing answers with none, and getDisplayMedia rejects as when a browser's own picker is cancelled (the call
 * view says nothing then). In a browser there is no bridge and nothing here shows: the browser asks itself.
 *
 * Keys: ←/→ between the tabs; in a tab the pictures are a radio group, arrows move and choose, Enter shares.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { getBridge } from '../../api/bridge.ts';
import type { ScreenPick, ScreenSource, ScreenSourceKind } from '../../../shared/screen-pick.ts';
import { moveFocus } from '../common/list-keys.ts';
import { Dialog } from '../dialogs/Dialog.tsx';
import './screen-picker.css';

/** Shows the shell's picks, one at a time, and sends each answer back. */
export function ScreenPickerLayer() {
  const [pick, setPick] = useState<ScreenPick | null>(null);
  const bridge = getBridge();

  useEffect(() => bridge?.onScreenPick?.((next) => {
    // The shell asks once at a time; a new pick means the old one is over for it, so it gets no answer.
    setPick(next);
  }), [bridge]);

  if (!pick || !bridge?.chooseScreen) return null;
  const answer = (sourceId: string | null): void => {
    bridge.chooseScreen?.(pick.pick_id, sourceId);
    setPick(null);
  };
  return <ScreenPicker key={pick.pick_id} sources={pick.sources} onAnswer={answer} />;
}

const TABS: ReadonlyArray<{ kind: ScreenSourceKind; label: string; empty: string }> = [
  { kind: 'screen', label: 'Screens', empty: 'There is no screen to share.' },
  { kind: 'window', label: 'Windows', empty: 'There is no window to share.' },
];

/** Pictures in one row of the grid as laid out now, for ↑/↓ (the grid's width decides it). */
function columnsOf(items: readonly HTMLElement[]): number {
  const top = items[0]?.offsetTop;
  const n = items.filter((el) => el.offsetTop === top).length;
  return Math.max(1, n);
}

export function ScreenPicker({ sources, onAnswer }: { sources: readonly ScreenSource[]; onAnswer: (sourceId: string | null) => void }) {
  const screens = sources.filter((s) => s.kind === 'screen');
  // The shell puts the primary screen first: chosen from the start, as sharing was before there was a choice.
  const [tab, setTab] = useState<ScreenSourceKind>(screens.length ? 'screen' : 'window');
  const [chosen, setChosen] = useState<string | null>(screens[0]?.id ?? null);
  const shown = sources.filter((s) => s.kind === tab);
  const answered = useRef(false);
  const grid = useRef<HTMLDivElement>(null);
  const tabs = useRef<HTMLDivElement>(null);

  const tiles = (): HTMLElement[] => [...(grid.current?.querySelectorAll<HTMLElement>('[role="radio"]') ?? [])];

  // After the dialog opened (its own effect runs first): the focus on the chosen picture, ready for Enter.
  useEffect(() => {
    grid.current?.querySelector<HTMLElement>('[role="radio"][tabindex="0"]')?.focus();
  }, []);

  const answer = (id: string | null): void => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(id);
  };

  function showTab(kind: ScreenSourceKind): void {
    setTab(kind);
    // What was chosen in the other tab is not in sight: Share waits for a choice here.
    if (!sources.some((s) => s.kind === kind && s.id === chosen)) setChosen(null);
  }

  function onTabKey(ev: KeyboardEvent<HTMLDivElement>): void {
    // A row of tabs: ↑/↓ are not theirs.
    if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') return;
    const buttons = [...(tabs.current?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])];
    const at = TABS.findIndex((t) => t.kind === tab);
    const next = moveFocus(ev, buttons, at, TABS.length, true);
    if (next !== null) showTab(TABS[next].kind);
  }

  function onTileKey(ev: KeyboardEvent<HTMLButtonElement>, index: number, id: string): void {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      answer(id);
      return;
    }
    const items = tiles();
    const next = moveFocus(ev, items, index, columnsOf(items));
    if (next !== null) setChosen(shown[next]?.id ?? null);
  }

  const chosenTabIndex = shown.findIndex((s) => s.id === chosen);
  return (
    <Dialog title="Share your screen" submitLabel="Share" wide testId="screen-picker" canSubmit={chosen !== null}
      onSubmit={async () => { answer(chosen); }} onClose={() => answer(null)}>
      <p>Choose what the others in the call see.</p>
      <div role="tablist" aria-label="What to share" className="screen-picker-tabs" ref={tabs} onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button key={t.kind} type="button" role="tab" id={`screen-picker-tab-${t.kind}`} aria-controls="screen-picker-panel"
            aria-selected={tab === t.kind} tabIndex={tab === t.kind ? 0 : -1} className="screen-picker-tab"
            data-testid={`screen-picker-tab-${t.kind}`} onClick={() => showTab(t.kind)}>
            {t.label} <span className="screen-picker-count">{sources.filter((s) => s.kind === t.kind).length}</span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id="screen-picker-panel" aria-labelledby={`screen-picker-tab-${tab}`} className="screen-picker-panel">
        {shown.length === 0 ? (
          <p className="screen-picker-empty">{TABS.find((t) => t.kind === tab)?.empty}</p>
        ) : (
          <div role="radiogroup" aria-labelledby={`screen-picker-tab-${tab}`} className="screen-picker-grid" ref={grid}>
            {shown.map((s, i) => (
              <button key={s.id} type="button" role="radio" aria-checked={s.id === chosen} aria-label={s.name || 'Untitled'}
                tabIndex={i === Math.max(0, chosenTabIndex) ? 0 : -1} className="screen-picker-tile" data-testid="screen-picker-source"
                data-source-id={s.id} onClick={() => setChosen(s.id)} onDoubleClick={() => answer(s.id)}
                onKeyDown={(ev) => onTileKey(ev, i, s.id)}>
                <span className="screen-picker-thumb">
                  {s.thumbnail ? <img src={s.thumbnail} alt="" /> : <span className="screen-picker-no-thumb">No preview</span>}
                </span>
                <span className="screen-picker-name">
                  {s.icon && <img src={s.icon} alt="" className="screen-picker-icon" />}
                  <span className="screen-picker-name-text" title={s.name}>{s.name || 'Untitled'}</span>
                </span>
              </button>
            ))}
          </div>
        )}
      </div>
    </Dialog>
  );
}
