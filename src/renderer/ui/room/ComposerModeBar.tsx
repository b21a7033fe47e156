/** The line above the composer saying which message we are replying to or editing, with a cancel button. */
import type { ComposerMode } from '../../api/composer-modes.ts';

export function ComposerModeBar({ mode, senderName, onCancel }: {
  mode: Exclude<ComposerMode, { kind: 'normal' }>;
  senderName: string;
  onCancel: () => void;
}) {
  const body = typeof mode.event.content.body === 'string' ? mode.event.content.body.replace(/\s+/g, ' ').trim() : '';
  return (
    <div className={`composer-mode composer-mode-${mode.kind}`} data-testid="composer-mode" data-mode={mode.kind}>
      {/* One line of text, cut with an ellipsis: "Replying to <name>: <the message>". */}
      <span className="composer-mode-text">
        {mode.kind === 'reply' ? (
          <>
            <span className="composer-mode-label">Replying to <bdi>{senderName}</bdi></span>
            {body && <span className="composer-mode-quote">: {body}</span>}
          </>
        ) : <span className="composer-mode-label">Editing message</span>}
      </span>
      <button type="button" className="composer-mode-cancel" aria-label="Cancel (Esc)" title="Cancel (Esc)" onClick={onCancel}>×</button>
    </div>
  );
}
