/**
 * The link previews above the composer: what the message will carry, each removable before sending, and a quiet
 * line for a link whose preview is still being made, and one while a sent message waits for its preview.
 */
import { LinkPreviewCard } from './LinkPreviewCard.tsx';
import { viewLinkPreview } from './link-preview-model.ts';
import type { ComposerPreviewState } from './use-link-previews.ts';

export function LinkPreviewTray({ items, onRemove, waiting = 0 }: {
  items: readonly ComposerPreviewState[];
  onRemove: (url: string) => void;
  /** Messages sent that wait for a preview still loading. */
  waiting?: number;
}) {
  // Outside the group, so it stays while the next message (with no links) is typed.
  const note = waiting > 0 && (
    <div className="composer-link-preview-loading composer-waiting-preview" role="status" data-testid="composer-waiting-preview">
      {waiting === 1 ? 'Waiting for the link preview, then sending…' : `Waiting for link previews, then sending ${waiting} messages…`}
    </div>
  );
  if (!items.length) return note || null;
  return (
    <>
      {note}
      <div className="composer-link-previews" aria-label="Link previews to send" role="group" data-testid="composer-link-previews">
        {items.map((item) => {
          if (item.state === 'loading') {
            return <div key={item.url} className="composer-link-preview-loading" data-testid="link-preview-loading">Previewing {item.url}…</div>;
          }
          const view = item.state === 'ready' ? viewLinkPreview(item.preview) : undefined;
          return view ? <LinkPreviewCard key={item.url} preview={view} onRemove={() => onRemove(item.url)} /> : null;
        })}
      </div>
    </>
  );
}
