/**
 * A pack's own description above its images (MSC2545's `pack` object, laid out as Cinny's pack profile): its
 * picture, name, attribution and what its images are used as; for those allowed to change the pack, an Edit form
 * (pick or remove the picture, name, attribution, emoji and/or stickers) saved through image-pack-writes.ts. An
 * empty name or no picture falls back as other clients do: a room pack to its room's name, the tab icon to the
 * first image.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../../api/hooks.ts';
import { setPackMeta, type PackTarget } from '../../api/image-pack-writes.ts';
import type { PackMeta } from '../../api/image-packs.ts';
import { mediaUrl } from '../common/avatar-url.ts';
import { useAction } from '../settings/controls.tsx';

function usageText(meta: PackMeta): string {
  const u = meta.usage;
  return !u || (u.emoticon && u.sticker) ? 'Emoji and stickers' : u.sticker ? 'Stickers' : 'Emoji';
}

interface Picked { readonly file: File; readonly url: string }

/** The picture picked for upload with its object URL, released when it is replaced or the form goes. */
function usePicked(): [Picked | null, (file: File | null) => void] {
  const [picked, setPicked] = useState<Picked | null>(null);
  const current = useRef<Picked | null>(null);
  useEffect(() => () => { if (current.current) URL.revokeObjectURL(current.current.url); }, []);
  const pick = (file: File | null) => {
    if (current.current) URL.revokeObjectURL(current.current.url);
    current.current = file ? { file, url: URL.createObjectURL(file) } : null;
    setPicked(current.current);
  };
  return [picked, pick];
}

function PackPicture({ src, name }: { src: string | null | undefined; name: string }) {
  return src
    ? <img className="pack-profile-picture" src={src} alt="" draggable={false} data-testid="pack-profile-picture" />
    : <span className="pack-profile-picture is-empty" aria-hidden="true">{[...name.trim()][0]?.toUpperCase() ?? '?'}</span>;
}

export function PackProfile({ target, meta, fallbackName, fallbackIcon, editable, testId }: {
  target: PackTarget;
  meta: PackMeta;
  /** The name shown when the pack has none: the room's name, or "Your emoji". */
  fallbackName: string;
  /** The picture shown when the pack has none: its first image, if any. */
  fallbackIcon: string | undefined;
  editable: boolean;
  testId: string;
}) {
  const [editing, setEditing] = useState(false);
  const icon = meta.avatarUrl ?? fallbackIcon;
  const name = meta.displayName ?? fallbackName;
  if (editing) return <PackProfileForm target={target} meta={meta} fallbackName={fallbackName} testId={testId} onDone={() => setEditing(false)} />;
  return (
    <div className="pack-profile" data-testid={testId}>
      <PackPicture src={mediaUrl(icon, { cssW: 48, cssH: 48, scale: true })} name={name} />
      <div className="pack-profile-text">
        <span className="pack-profile-name" data-testid={`${testId}-name`}>{name}</span>
        {meta.attribution && <span className="pack-profile-attribution" data-testid={`${testId}-attribution`}>{meta.attribution}</span>}
        <span className="pack-profile-usage">{usageText(meta)}</span>
      </div>
      {editable && (
        <button type="button" className="pack-button" data-testid={`${testId}-edit`} onClick={() => setEditing(true)}>Edit</button>
      )}
    </div>
  );
}

function PackProfileForm({ target, meta, fallbackName, testId, onDone }: {
  target: PackTarget;
  meta: PackMeta;
  fallbackName: string;
  testId: string;
  onDone: () => void;
}) {
  const session = useSession();
  const id = useId();
  const [displayName, setDisplayName] = useState(meta.displayName ?? '');
  const [attribution, setAttribution] = useState(meta.attribution ?? '');
  const [avatarUrl, setAvatarUrl] = useState<string | null>(meta.avatarUrl ?? null);
  const [picked, setPicked] = usePicked();
  const [emoticon, setEmoticon] = useState(meta.usage?.emoticon ?? true);
  const [sticker, setSticker] = useState(meta.usage?.sticker ?? true);
  const [progress, setProgress] = useState<number | null>(null);
  const { busy, error, run, setError } = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const file = picked?.file ?? null;
  const shown = picked?.url ?? mediaUrl(avatarUrl ?? undefined, { cssW: 48, cssH: 48, scale: true });

  async function save(e: FormEvent): Promise<void> {
    e.preventDefault();
    const ok = await run(async () => {
      try {
        await setPackMeta(session, target, { displayName, attribution, avatarUrl, emoticon, sticker, ...(file ? { avatarFile: file } : {}) }, setProgress);
      } finally {
        setProgress(null);
      }
    });
    if (ok) onDone();
  }

  return (
    <form className="pack-profile-form" data-testid={`${testId}-form`} aria-label="Pack details" onSubmit={(e) => void save(e)}>
      <div className="pack-add-row">
        <PackPicture src={shown} name={displayName || fallbackName} />
        <input ref={fileInput} type="file" accept="image/png,image/gif,image/webp,image/jpeg" hidden data-testid={`${testId}-file`}
          onChange={(e) => {
            const next = e.target.files?.[0] ?? null;
            e.target.value = '';
            setPicked(next);
            setError(null);
          }} />
        <button type="button" className="pack-button" disabled={busy} data-testid={`${testId}-choose`} onClick={() => fileInput.current?.click()}>
          {shown ? 'Change picture' : 'Choose picture'}
        </button>
        {shown && (
          <button type="button" className="pack-button is-quiet" disabled={busy} data-testid={`${testId}-remove-picture`}
            onClick={() => { setPicked(null); setAvatarUrl(null); }}>
            Remove picture
          </button>
        )}
      </div>
      <label className="pack-field" htmlFor={`${id}-name`}>
        <span className="pack-add-label">Name</span>
        <input id={`${id}-name`} className="pack-textbox" value={displayName} maxLength={200} placeholder={fallbackName}
          autoComplete="off" data-testid={`${testId}-name-input`} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label className="pack-field" htmlFor={`${id}-attribution`}>
        <span className="pack-add-label">Attribution <span className="pack-field-hint">(optional: who made the pictures, where they come from)</span></span>
        <textarea id={`${id}-attribution`} className="pack-textbox" value={attribution} maxLength={1000} rows={2}
          data-testid={`${testId}-attribution-input`} onChange={(e) => setAttribution(e.target.value)} />
      </label>
      <div className="pack-add-row" role="group" aria-label="Its images are used as">
        <span className="pack-add-label">Use as</span>
        <label className="pack-add-check"><input type="checkbox" checked={emoticon} data-testid={`${testId}-emoticon`}
          onChange={(e) => setEmoticon(e.target.checked)} /> Emoji</label>
        <label className="pack-add-check"><input type="checkbox" checked={sticker} data-testid={`${testId}-sticker`}
          onChange={(e) => setSticker(e.target.checked)} /> Sticker</label>
        <span className="pack-field-hint">An image that says otherwise keeps its own.</span>
      </div>
      <div className="pack-add-row pack-profile-actions">
        <button type="button" className="pack-button" disabled={busy} onClick={onDone} data-testid={`${testId}-cancel`}>Cancel</button>
        <button type="submit" className="pack-button is-primary" disabled={busy} data-testid={`${testId}-save`}>
          {progress !== null ? `Uploading… ${Math.round(progress * 100)}%` : busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      {error && <p className="pack-alert" role="alert" data-testid={`${testId}-error`}>{error}</p>}
    </form>
  );
}
