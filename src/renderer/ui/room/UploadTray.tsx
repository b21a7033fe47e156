/**
 * The attachments waiting in the composer: an image or video thumbnail (or a file icon), name and size, progress
 * while uploading with a cancel button, and the reason when an upload failed.
 */
import { formatBytes } from '../../api/uploads.ts';
import type { Attachment } from './use-attachments.ts';

export function UploadTray({ items, onRemove }: { items: readonly Attachment[]; onRemove: (id: number) => void }) {
  if (!items.length) return null;
  return (
    <ul className="upload-tray" aria-label="Attachments" data-testid="upload-tray">
      {items.map((a) => (
        <li key={a.id} className={`upload-item is-${a.state}`} data-testid="upload-item">
          {a.previewUrl && a.file.type.startsWith('image/')
            ? <img className="upload-thumb" src={a.previewUrl} alt="" data-testid="upload-thumb" />
            : a.previewUrl
              ? <video className="upload-thumb" src={a.previewUrl} muted preload="metadata" />
              : <span className="upload-thumb upload-icon" aria-hidden="true">📄</span>}
          <span className="upload-text">
            <span className="upload-name" title={a.file.name}>{a.file.name || 'Pasted file'}</span>
            <span className="upload-meta">
              {a.state === 'uploading' ? `Uploading… ${Math.round(a.progress * 100)}% of ${formatBytes(a.file.size)}`
                : a.state === 'sending' ? 'Sending…'
                  : formatBytes(a.file.size)}
            </span>
            {a.state === 'uploading' && (
              <progress className="upload-progress" max={1} value={a.progress} aria-label={`Uploading ${a.file.name}`} />
            )}
            {a.error && <span className="upload-error" role="alert" data-testid="upload-error">Could not upload: {a.error}</span>}
          </span>
          <button type="button" className="upload-remove" data-testid="upload-remove" onClick={() => onRemove(a.id)}
            aria-label={a.state === 'uploading' ? `Cancel uploading ${a.file.name}` : `Remove ${a.file.name}`}
            title={a.state === 'uploading' ? 'Cancel upload' : 'Remove'}>×</button>
        </li>
      ))}
    </ul>
  );
}
