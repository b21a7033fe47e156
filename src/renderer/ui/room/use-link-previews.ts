/**
 * The link previews of what is being typed, as gomuks' composer makes them: the links in the text (outside code,
 * the first few) are previewed by the homeserver once the text has rested a moment, each shown above the composer
 * and removable; `kept()` is what send_message's `url_previews` carries. In an encrypted room the preview is asked
 * with `encrypt`, so its picture is uploaded again encrypted and the key travels inside the message. A message sent
 * while a card it shows is still loading is handed to the backend at once all the same, naming the links still
 * loading (`pending_url_previews`): its local echo is in the timeline (saying it waits for the preview) and the
 * backend's outbox waits for those previews (at most 10 s, in order, across room switches, reloads and restarts).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LinkPreview } from '../../../shared/rpc/index.ts';
import { previewForSending } from '../../../shared/link-preview-sending.ts';
import type { SendPreviews } from '../../api/actions.ts';
import type { Session } from '../../api/session.ts';
import { composerLinks, viewLinkPreview } from './link-preview-model.ts';

/** How long the text must rest before its links are previewed (no request per keystroke). */
const DEBOUNCE_MS = 600;

export type ComposerPreviewState =
  | { url: string; state: 'loading' }
  | { url: string; state: 'ready'; preview: LinkPreview }
  /** The homeserver could not preview it (or has previews turned off): nothing is shown or sent for it. */
  | { url: string; state: 'failed' };

export function useLinkPreviews(session: Session, text: string, encrypted: boolean) {
  /** The links as they were when the typing last paused. */
  const [rested, setRested] = useState<readonly string[]>([]);
  const [results, setResults] = useState<ReadonlyMap<string, ComposerPreviewState>>(new Map());
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const asked = useRef(new Set<string>());
  /** The results as they land (read by a send made before the render that shows them). */
  const latest = useRef(results);
  // A room's encryption decides how a link is previewed (an encrypted room's picture is re-uploaded encrypted), so
  // results are kept per kind: a clear preview is never what an encrypted room's message carries.
  const idOf = (url: string) => `${encrypted ? 'e' : 'p'}:${url}`;
  const typed = useMemo(() => composerLinks(text), [text]);
  const key = typed.join('\n');
  // Links go away at once when they leave the text; new ones wait until the typing pauses.
  const links = useMemo(() => rested.filter((l) => typed.includes(l)), [rested, typed]);

  useEffect(() => {
    const t = setTimeout(() => setRested(key ? key.split('\n') : []), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [key]);

  useEffect(() => {
    for (const url of links) {
      const id = `${encrypted ? 'e' : 'p'}:${url}`;
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      const land = (r: ComposerPreviewState): void => {
        latest.current = new Map(latest.current).set(id, r);
        setResults(latest.current);
      };
      void session.client.request('get_url_preview', { url, ...(encrypted ? { encrypt: true } : {}) }).then(
        (preview) => land({ url, state: 'ready', preview }),
        () => land({ url, state: 'failed' }),
      );
    }
  }, [links, encrypted, session]);

  const shown = links.filter((l) => !removed.has(l)).map((l): ComposerPreviewState => results.get(idOf(l)) ?? { url: l, state: 'loading' })
    .filter((r) => r.state === 'loading' || (r.state === 'ready' && viewLinkPreview(r.preview) !== undefined));
  return {
    /** What the tray shows: loading placeholders and ready previews, in the text's order. */
    shown,
    remove: (url: string) => setRemoved((s) => new Set(s).add(url)),
    /**
     * Sends `forText` through `send` now, with its ready previews not removed, and the links of the cards it shows
     * still loading for the backend to wait for.
     */
    sendWith(forText: string, send: (previews: SendPreviews) => Promise<void>): void {
      const pending = shown.filter((r) => r.state === 'loading' && composerLinks(forText).includes(r.url)
        && !latest.current.has(idOf(r.url))).map((r) => r.url);
      const kept = keptPreviews(forText, latest.current, removed, idOf);
      void send({ ...(kept ? { url_previews: kept } : {}), ...(pending.length ? { pending_url_previews: pending } : {}) });
    },
    /** After sending: a new message starts with no preview removed. */
    reset: () => setRemoved(new Set()),
  };
}

/**
 * send_message's `url_previews` for `forText`: the ready previews not removed. Undefined when the text has no link,
 * or none is ready and none was removed (nothing is claimed; the backend adds the ones still loading when they come);
 * an empty list (all removed, or pages with nothing to show) tells receivers not to make their own.
 */
function keptPreviews(forText: string, results: ReadonlyMap<string, ComposerPreviewState>, removed: ReadonlySet<string>,
  idOf: (url: string) => string): LinkPreview[] | undefined {
  const out: LinkPreview[] = [];
  let decided = false;
  for (const url of composerLinks(forText)) {
    const r = results.get(idOf(url));
    if (removed.has(url)) { decided = true; continue; }
    // One the homeserver could not make (or previews turned off there) decides nothing: other clients may
    // still make their own.
    const p = r?.state === 'ready' ? previewForSending(r.preview) : undefined;
    if (p) out.push(p);
    else if (r?.state === 'ready') decided = true;
  }
  return out.length || decided ? out : undefined;
}
