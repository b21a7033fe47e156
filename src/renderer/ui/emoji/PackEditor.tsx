/**
 * One MSC2545 pack's description (PackProfile.tsx) and images and, for those allowed to change it, Cinny's
 * editing: its name, picture, attribution and usage; remove an image, or add one
 * (pick a picture, give it a shortcode, say whether it is an emoji, a sticker or both), uploaded and written
 * through image-pack-writes.ts. Used for the user's own pack in Settings and for a room's pack in its settings.
 * What went wrong (the upload, a refused write, a bad shortcode) is said in words under the form.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../../api/hooks.ts';
import { addPackImage, removePackImage, type PackTarget } from '../../api/image-pack-writes.ts';
import type { ImagePack, PackImage, PackMeta } from '../../api/image-packs.ts';
import { mediaUrl } from '../common/avatar-url.ts';
import { useAction } from '../settings/controls.tsx';
import { PackProfile } from './PackProfile.tsx';
import './pack-editor.css';

/** A shortcode offered from a file's name: its letters and digits, other runs as `_`. */
function shortcodeFromName(name: string): string {
  return name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100);
}

function usageLabel(i: PackImage): string {
  return i.emoticon && i.sticker ? 'Emoji, sticker' : i.sticker ? 'Sticker' : 'Emoji';
}

export function PackImages({ images, max, testId }: { images: readonly PackImage[]; max?: number; testId?: string }) {
  const shown = max === undefined ? images : images.slice(0, max);
  return (
    <span className="pack-preview" data-testid={testId}>
      {shown.map((i) => (
        <img key={i.shortcode} src={mediaUrl(i.url, { cssW: 28, cssH: 28, scale: true })} alt={`:${i.shortcode}:`} title={`:${i.shortcode}:`}
          loading="lazy" draggable={false} />
      ))}
      {max !== undefined && images.length > max && <span className="pack-preview-more">+{images.length - max}</span>}
    </span>
  );
}

export function PackEditor({ target, pack, meta, fallbackName, editable, testId }: {
  target: PackTarget;
  pack: ImagePack | null;
  /** The pack's own description, read from its content (a pack with no image yet has one too). */
  meta: PackMeta;
  fallbackName: string;
  editable: boolean;
  testId: string;
}) {
  const session = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [shortcode, setShortcode] = useState('');
  const [emoticon, setEmoticon] = useState(true);
  const [sticker, setSticker] = useState(false);
  const { busy, error, run, setError } = useAction();
  const [progress, setProgress] = useState<number | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const images = pack?.images ?? [];

  /** Runs an upload or removal: the last one's confirmation and progress go when the next starts or this one ends. */
  function act(what: () => Promise<void>): Promise<boolean> {
    setAdded(null);
    return run(async () => {
      try {
        await what();
      } finally {
        setProgress(null);
      }
    });
  }

  async function add(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!file) {
      setError('Choose a picture first.');
      return;
    }
    const code = shortcode.trim();
    setProgress(0);
    if (await act(() => addPackImage(session, target, { file, shortcode: code, emoticon, sticker }, setProgress))) {
      setFile(null);
      setShortcode('');
      setAdded(`Added :${code}:.`);
    }
  }

  return (
    <div className="pack-editor" data-testid={testId}>
      <PackProfile target={target} meta={meta} fallbackName={fallbackName} fallbackIcon={images[0]?.url} editable={editable} testId={`${testId}-profile`} />
      {images.length === 0
        ? <p className="pack-empty">No images yet.</p>
        : (
          <ul className="pack-images" aria-label={pack ? `${pack.name}: images` : 'Images'}>
            {images.map((i) => (
              <li key={i.shortcode} className="pack-image" data-testid="pack-image" data-shortcode={i.shortcode}>
                <img src={mediaUrl(i.url, { cssW: 40, cssH: 40, scale: true })} alt="" loading="lazy" draggable={false} />
                <span className="pack-image-text">
                  <span className="pack-image-code" title={`:${i.shortcode}:`}>:{i.shortcode}:</span>
                  <span className="pack-image-usage">{usageLabel(i)}</span>
                </span>
                {editable && (
                  <button type="button" className="pack-button is-quiet pack-image-remove" disabled={busy} aria-label={`Remove :${i.shortcode}:`}
                    data-testid="pack-image-remove" onClick={() => void act(() => removePackImage(session, target, i.shortcode))}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      {editable ? (
        <form className="pack-add" onSubmit={(e) => void add(e)} aria-label="Add an image">
          <input ref={fileInput} type="file" accept="image/png,image/gif,image/webp,image/jpeg" hidden data-testid={`${testId}-file`}
            onChange={(e) => {
              const picked = e.target.files?.[0] ?? null;
              e.target.value = '';
              setFile(picked);
              setError(null);
              if (picked && !shortcode) setShortcode(shortcodeFromName(picked.name));
            }} />
          <div className="pack-add-row">
            <button type="button" className="pack-button" disabled={busy} data-testid={`${testId}-choose`} onClick={() => fileInput.current?.click()}>
              {file ? 'Change picture' : 'Choose picture'}
            </button>
            <span className="pack-add-file">{file ? file.name : 'PNG, GIF, WebP or JPEG'}</span>
          </div>
          <div className="pack-add-row">
            <label htmlFor={`${id}-code`} className="pack-add-label">Shortcode</label>
            <input id={`${id}-code`} className="pack-textbox pack-add-code" value={shortcode} maxLength={100} placeholder="party_cat"
              spellCheck={false} autoComplete="off" data-testid={`${testId}-shortcode`} onChange={(e) => setShortcode(e.target.value)} />
          </div>
          <div className="pack-add-row" role="group" aria-label="Use as">
            <label className="pack-add-check"><input type="checkbox" checked={emoticon} data-testid={`${testId}-emoticon`}
              onChange={(e) => setEmoticon(e.target.checked)} /> Emoji</label>
            <label className="pack-add-check"><input type="checkbox" checked={sticker} data-testid={`${testId}-sticker`}
              onChange={(e) => setSticker(e.target.checked)} /> Sticker</label>
            <button type="submit" className="pack-button is-primary" disabled={busy || !file} data-testid={`${testId}-add`}>
              {progress !== null ? `Uploading… ${Math.round(progress * 100)}%` : busy ? 'Adding…' : 'Add image'}
            </button>
          </div>
        </form>
      ) : null}
      {error && <p className="pack-alert" role="alert" data-testid={`${testId}-error`}>{error}</p>}
      {added && <p className="pack-ok" role="status">{added}</p>}
    </div>
  );
}
