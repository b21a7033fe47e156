/**
 * The homeserver's link previews, asked once per link at a time: get_url_preview (the composer's cards) and the
 * outbox (a message sent while its cards were still loading, see sender.ts) share what is in flight, so a message
 * handed over mid-load waits for the very request its card is waiting for rather than asking the homeserver again
 * (in an encrypted room that would also upload the picture twice). `encrypt` re-uploads the picture encrypted
 * (preview-image.ts). Nothing is kept once a request has settled: the homeserver caches previews itself.
 */
import type { LinkPreview } from '../../../shared/rpc/index.ts';
import { attempt } from '../commands/failing.ts';
import type { MatrixClient } from '../matrix/client.ts';
import { encryptPreviewImage, type PreviewImageDeps } from './preview-image.ts';

export class LinkPreviewFetcher {
  private readonly inFlight = new Map<string, Promise<LinkPreview>>();
  private readonly client: Pick<MatrixClient, 'server'>;
  private readonly images: PreviewImageDeps;

  constructor(client: Pick<MatrixClient, 'server'>, images: PreviewImageDeps) {
    this.client = client;
    this.images = images;
  }

  /**
   * The preview of `url` (its picture uploaded again encrypted with `encrypt`). A caller's `signal` ends its own
   * wait, not the request, which others may share.
   */
  get(url: string, encrypt: boolean, signal?: AbortSignal): Promise<LinkPreview> {
    const key = `${encrypt ? 'e' : 'p'}:${url}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.fetch(url, encrypt);
      this.inFlight.set(key, p);
      const forget = () => { this.inFlight.delete(key); };
      void p.then(forget, forget);
    }
    return signal ? untilAborted(p, signal) : p;
  }

  private async fetch(url: string, encrypt: boolean): Promise<LinkPreview> {
    const r = await attempt(`preview ${url}`, () => this.client.server.urlPreview(url));
    const preview: LinkPreview = { ...r, matched_url: url };
    if (!encrypt) return preview;
    return attempt(`encrypt the image of the preview of ${url}`, () => encryptPreviewImage(preview, this.images));
  }
}

/** `p`, or the abort's reason once `signal` is aborted first. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
