/**
 * A link preview card: the site, the title as a link, a few lines of description and the picture, in a box whose
 * size is known before the picture loads (so the virtualized timeline does not jump). Everything is text: React
 * escapes it, nothing from the network is HTML. Under a message in the timeline, and above the composer (with a
 * remove button) before sending.
 */
import { memo } from 'react';
import { attachmentUrl } from '../common/avatar-url.ts';
import type { LinkPreviewView } from './link-preview-model.ts';
import './link-preview.css';

export const LinkPreviewCard = memo(function LinkPreviewCard({ preview, onRemove }: { preview: LinkPreviewView; onRemove?: () => void }) {
  const { image } = preview;
  // The whole picture, not a server thumbnail: Synapse keeps only small crops (32 and 96 px) of a preview's image,
  // which a wide card would show blurred. Preview pictures are made for the web, so they are rarely large.
  const src = image && attachmentUrl(image.mxc, image.encrypted, undefined, undefined, image.event);
  const picture = image && src && (
    <span className="link-preview-image" style={{ width: image.width, aspectRatio: `${image.width} / ${image.height}` }}>
      <img src={src} alt="" width={image.width} height={image.height} loading="lazy" decoding="async" draggable={false} />
    </span>
  );
  return (
    <div className={`link-preview${image?.inline ? ' has-inline-image' : ''}`} data-testid="link-preview">
      <div className="link-preview-text">
        {preview.siteName && <div className="link-preview-site" data-testid="link-preview-site">{preview.siteName}</div>}
        <div className="link-preview-title" data-testid="link-preview-title">
          {preview.href
            ? <a href={preview.href} target="_blank" rel="noreferrer noopener" title={preview.href}>{preview.title}</a>
            : preview.title}
        </div>
        {preview.description && <div className="link-preview-description" data-testid="link-preview-description">{preview.description}</div>}
      </div>
      {picture}
      {onRemove && (
        <button type="button" className="link-preview-remove" data-testid="link-preview-remove" onClick={onRemove}
          aria-label={`Remove the preview of ${preview.title}`} title="Remove preview">×</button>
      )}
    </div>
  );
});

/** The cards under a message. */
export function LinkPreviews({ previews }: { previews: readonly LinkPreviewView[] | undefined }) {
  if (!previews?.length) return null;
  return (
    <div className="link-previews" data-testid="link-previews">
      {previews.map((p, i) => <LinkPreviewCard key={`${p.href ?? ''}#${i}`} preview={p} />)}
    </div>
  );
}
