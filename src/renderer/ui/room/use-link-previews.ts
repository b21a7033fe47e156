/**
 * The link previews of what is being typed, as gomuks' composer makes them: the links in the text (outside code,
 * the first few) are previewed by the homeserver once the text has rested a moment, each shown above the composer
 * and removable; `kept()` is what send_message's `url_previews` carries. In an encrypted room the preview is asked
 * with `encrypt`, so its picture is uploaded again encrypted and the key travels inside the message. A message sent
 * while a card it shows is still loading waits for it (at most WAIT_CAP_MS), in order behind earlier ones, while the
 * composer is already free for the next message; the wait is kept per room (and thread) in waiting-sends.ts, so it
 * goes on, and shows again, across a switch to another room and back.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LinkPreview } from '../../../shared/rpc/index.ts';
import type { Session } from '../../api/session.ts';
import { composerLinks, previewForSending, viewLinkPreview } from './link-preview-model.ts';
import { queueSend, useWaitingSends } from './waiting-sends.ts';

/** How long the text must rest before its links are previewed (no request per keystroke). */
const DEBOUNCE_MS = 600;
/** How long a message waits for a preview still loading; past that it goes without it rather than not at all. */
const WAIT_CAP_MS = 10_000;

export type ComposerPreviewState =
  | { url: string; state: 'loading' }
  | { url: string; state: 'ready'; preview: LinkPreview }
  /** The homeserver could not preview it (or has previews turned off): nothing is shown or sent for it. */
  | { url: string; state: 'failed' };

/** `place` names the composer's room (and thread): the messages waiting for a preview are kept under it. */
export function useLinkPreviews(session: Session, place: string, text: string, encrypted: boolean) {
  /** The links as they were when the typing last paused. */
  const [rested, setRested] = useState<readonly string[]>([]);
  const [results, setResults] = useState<ReadonlyMap<string, ComposerPreviewState>>(new Map());
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const asked = useRef(new Set<string>());
  /** The requests in flight, and the results as they land (read by a send that waits after this render). */
  const inFlight = useRef(new Map<string, Promise<void>>());
  const latest = useRef(results);
  const waiting = useWaitingSends(session, place);
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
        inFlight.current.delete(id);
      };
      inFlight.current.set(id, session.client.request('get_url_preview', { url, ...(encrypted ? { encrypt: true } : {}) }).then(
        (preview) => land({ url, state: 'ready', preview }),
        () => land({ url, state: 'failed' }),
      ));
    }
  }, [links, encrypted, session]);

  const shown = links.filter((l) => !removed.has(l)).map((l): ComposerPreviewState => results.get(idOf(l)) ?? { url: l, state: 'loading' })
    .filter((r) => r.state === 'loading' || (r.state === 'ready' && viewLinkPreview(r.preview) !== undefined));
  return {
    /** What the tray shows: loading placeholders and ready previews, in the text's order. */
    shown,
    remove: (url: string) => setRemoved((s) => new Set(s).add(url)),
    /**
     * Sends `forText` with its previews through `send`: at once when none of its cards is loading, else once they
     * are ready (or WAIT_CAP_MS passed), after the messages sent before it. The removals made until now count.
     */
    sendWith(forText: string, send: (urlPreviews: LinkPreview[] | undefined) => Promise<void>): void {
      const gone = removed;
      const loading = shown.filter((r) => r.state === 'loading' && composerLinks(forText).includes(r.url))
        .map((r) => inFlight.current.get(idOf(r.url)))
        .filter((p) => p !== undefined);
      // The results are read from the ref when it goes: they land there even once this composer is gone.
      queueSend(session, place, loading.length ? capped(Promise.all(loading)) : null,
        () => send(keptPreviews(forText, latest.current, gone, idOf)), forText);
    },
    /** How many sent messages wait for a preview still loading. */
    waiting,
    /** After sending: a new message starts with no preview removed. */
    reset: () => setRemoved(new Set()),
  };
}

/** Resolves when `p` settles or WAIT_CAP_MS passed, whichever is first. */
function capped(p: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, WAIT_CAP_MS);
    void p.finally(() => { clearTimeout(t); resolve(); });
  });
}

/**
 * send_message's `url_previews` for `forText`: the ready previews not removed. Undefined when the text has no link,
 * or none is ready and none was removed (nothing is claimed); an empty list (all removed, or pages with nothing to
 * show) tells receivers not to make their own.
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
