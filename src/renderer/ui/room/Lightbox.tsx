/**
 * A full-window view of an image or video, closed with Esc, the close button or a click outside. Focus moves into
 * it and back to where it was, and Tab stays inside, so it works from the keyboard.
 */
import { useEffect, useRef } from 'react';
import { attachmentUrl } from '../common/avatar-url.ts';
import { trapTab } from '../common/focus-return.ts';
import type { MediaView } from './event-view.ts';

export function Lightbox({ media, onClose }: { media: MediaView; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.focus();
  }, []);
  const src = attachmentUrl(media.mxc, media.encrypted);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={media.name || 'Media'} data-testid="lightbox"
      onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } else trapTab(e); }}>
      <div className="lightbox-bar">
        <span className="lightbox-name">{media.name}</span>
        {src && <a className="lightbox-action" href={src} download={media.name || true}>Download</a>}
        <button ref={closeRef} type="button" className="lightbox-action" onClick={onClose} aria-label="Close">✕</button>
      </div>
      {src && media.kind === 'video' ? (
        <video className="lightbox-media" src={src} controls autoPlay />
      ) : src ? (
        <img className="lightbox-media" src={src} alt={media.name} />
      ) : (
        <p className="lightbox-missing">This file has no valid address.</p>
      )}
    </div>
  );
}
