/**
 * The frame every right-side room panel shares (settings, search, pinned): a titled aside with a close button, in
 * the place the member list takes, so the timeline makes room for it the same way. `hidden`: kept (its state, rows
 * read) but not shown, under a panel opened from it; `panelRef`: the aside, which is what scrolls.
 */
import type { ReactNode, Ref } from 'react';
import '../member-list.css';
import './panels.css';

export function SidePanel({ title, testId, onClose, hidden, panelRef, children }: {
  title: string; testId: string; onClose: () => void; hidden?: boolean; panelRef?: Ref<HTMLElement>; children: ReactNode;
}) {
  return (
    <aside className="member-panel side-panel" aria-label={title} data-testid={testId} hidden={hidden} ref={panelRef}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
      <header className="member-panel-header">
        <h3>{title}</h3>
        <button type="button" className="member-panel-close" aria-label={`Close ${title.toLowerCase()}`} onClick={onClose}>×</button>
      </header>
      {children}
    </aside>
  );
}
