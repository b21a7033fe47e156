/**
 * The link previews outbox messages wait for (send_message's `pending_url_previews`). Fetching starts when the
 * message is written, not when its turn comes, so a message queued behind another waiting one does not wait twice;
 * `collect` is called at its turn and waits for what is still loading, but never past the message's deadline
 * (kept in its outbox row: after a restart the fetch starts again only if time is left, and waits only that).
 */
import type { LinkPreview } from '../../../shared/rpc/index.ts';

/** One preview; rejects when the homeserver has none (or could not be asked). */
export type FetchPreview = (url: string, encrypt: boolean, signal: AbortSignal) => Promise<LinkPreview>;

interface Fetching {
  /** By link: the preview, or null when its fetch failed. Links still loading are absent. */
  results: Map<string, LinkPreview | null>;
  all: Promise<void>;
}

export class WaitingPreviews {
  private readonly byTxn = new Map<string, Fetching>();
  private readonly fetch: FetchPreview;
  private readonly signal: AbortSignal;

  /** `signal` ends every wait (the backend is stopping). */
  constructor(fetch: FetchPreview, signal: AbortSignal) {
    this.fetch = fetch;
    this.signal = signal;
  }

  /** Starts fetching the previews of the message with this transaction ID. */
  start(txnId: string, urls: readonly string[], encrypt: boolean): void {
    const results = new Map<string, LinkPreview | null>();
    const all = Promise.all(urls.map((url) => this.fetch(url, encrypt, this.signal).then(
      (p) => { results.set(url, p); },
      () => { results.set(url, null); },
    ))).then(() => undefined);
    this.byTxn.set(txnId, { results, all });
  }

  /**
   * The message's previews in the order of `urls` (null: failed), once all came or `until` (epoch ms) passed;
   * the ones still loading then are left out. Undefined when the backend stopped meanwhile.
   */
  async collect(txnId: string, urls: readonly string[], encrypt: boolean, until: number): Promise<(LinkPreview | null)[] | undefined> {
    if (!this.byTxn.has(txnId) && until > Date.now()) this.start(txnId, urls, encrypt);
    const fetching = this.byTxn.get(txnId);
    this.byTxn.delete(txnId);
    if (fetching) await this.within(fetching.all, until - Date.now());
    if (this.signal.aborted) return undefined;
    return urls.map((u) => fetching?.results.get(u)).filter((p) => p !== undefined);
  }

  /** Resolves when `p` does, `ms` passed, or the backend stops, whichever is first. */
  private within(p: Promise<void>, ms: number): Promise<void> {
    if (ms <= 0 || this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      void p.then(done);
    });
  }
}
