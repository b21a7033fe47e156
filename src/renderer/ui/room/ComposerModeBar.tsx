/** The line above the composer saying which message we are replying to or editing, with a cancel button. */
import type { ComposerMode } from '../../api/composer-modes.ts';
import { effectiveContent } from '../../../shared/event-cleartext.ts';

export function ComposerModeBar({ mode, senderName, onCancel }: {
  mode: Exclude<ComposerMode, { kind: 'normal' }>;
  senderName: string;
  onCancel: () => void;
}) {
  // What the message says: in an encrypted room its cleartext, not the ciphertext the server sent.
  const said = effectiveContent(mode.event).body;
  const body = typeof said === 'string' ? said.replace(/\s+/g, ' ').trim() : '';
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
