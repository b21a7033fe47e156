/**
 * The link previews above the composer: what the message will carry, each removable before sending, and a quiet
 * line for a link whose preview is still being made. (A message sent meanwhile waits for it as a local echo in the
 * timeline, which says so: see EventRow.)
 */
import { LinkPreviewCard } from './LinkPreviewCard.tsx';
import { viewLinkPreview } from './link-preview-model.ts';
import type { ComposerPreviewState } from './use-link-previews.ts';

export function LinkPreviewTray({ items, onRemove }: {
  items: readonly ComposerPreviewState[];
  onRemove: (url: string) => void;
}) {
  if (!items.length) return null;
  return (
    <div className="composer-link-previews" aria-label="Link previews to send" role="group" data-testid="composer-link-previews">
      {items.map((item) => {
        if (item.state === 'loading') {
          return <div key={item.url} className="composer-link-preview-loading" data-testid="link-preview-loading">Previewing {item.url}…</div>;
        }
        const view = item.state === 'ready' ? viewLinkPreview(item.preview) : undefined;
        return view ? <LinkPreviewCard key={item.url} preview={view} onRemove={() => onRemove(item.url)} /> : null;
      })}
    </div>
  );
}
