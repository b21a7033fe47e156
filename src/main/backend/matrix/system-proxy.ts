/**
 * The operating system's proxy settings, for the desktop app: the host answers "which proxy for this origin?" with
 * what Chromium resolves (a PAC-style answer, proxy-pac.ts), and every homeserver call asks chooseProxy.
 *
 * The environment still wins: a proxy variable set for the URL's scheme is an explicit choice, and then proxy-env.ts
 * alone decides, as without a system proxy. Loopback and no_proxy names are always direct, without asking.
 *
 * Answers are kept per origin for a short while (TTL_MS): a sync loop makes a request every few seconds and the
 * question crosses to another thread, while proxy settings change rarely. A failed question is not kept (the next
 * request asks again) and means direct, which is what a machine without a proxy needs and what the error then shows.
 *
 * One per thread (useSystemProxy), because the environment it defers to is per process too; only the desktop
 * host's worker installs one, so the web host and the benchmark keep the environment-only path, unchanged.
 */
import { errorMessage } from '../../../shared/error-message.ts';
import { alwaysDirect, envNamesProxy, proxyFor, type Proxy } from './proxy-env.ts';
import { choosePacEntry } from './proxy-pac.ts';

/** Asks the system which proxies to try for a URL (the origin and `/`); answers in PAC form ("PROXY h:p; DIRECT"). */
export type ProxyLookup = (url: string) => Promise<string>;

/** How long an answer is kept for its origin. */
const TTL_MS = 60_000;
/**
 * How long a question may take before the request goes direct: Chromium may first fetch a PAC file or look for one
 * (WPAD), which can take seconds, but a request must not wait past its own timeout for an answer that never comes.
 */
const LOOKUP_TIMEOUT_MS = 10_000;
/** Beyond this many origins, the expired answers are dropped (a client talks to one homeserver, and a few others). */
const PRUNE_ABOVE = 64;

export interface SystemProxyOptions {
  /** Where the entries passed over and failed questions are said (each once). */
  log: (message: string) => void;
  ttlMs?: number;
  lookupTimeoutMs?: number;
  /** Milliseconds, for the cache (tests move it on). */
  now?: () => number;
}

export class SystemProxy {
  private readonly lookup: ProxyLookup;
  private readonly log: (message: string) => void;
  private readonly ttlMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly now: () => number;
  private readonly answers = new Map<string, { expires: number; proxy: Promise<Proxy | undefined> }>();
  /** What was already logged, so a sync loop does not repeat it every minute. */
  private readonly said = new Set<string>();

  constructor(lookup: ProxyLookup, opts: SystemProxyOptions) {
    this.lookup = lookup;
    this.log = opts.log;
    this.ttlMs = opts.ttlMs ?? TTL_MS;
    this.lookupTimeoutMs = opts.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
  }

  /** The proxy for a request to `target` by the system's settings, or undefined to connect directly. */
  forUrl(target: URL): Promise<Proxy | undefined> {
    const origin = target.origin;
    const now = this.now();
    const kept = this.answers.get(origin);
    if (kept && kept.expires > now) return kept.proxy;
    if (this.answers.size > PRUNE_ABOVE) {
      for (const [o, a] of this.answers) if (a.expires <= now) this.answers.delete(o);
    }
    // Only the origin is asked about: the path is nobody's business, and the answer is kept per origin anyway.
    const proxy = this.ask(`${origin}/`).then((answer) => {
      const choice = choosePacEntry(answer);
      for (const entry of choice.skipped) {
        this.once(`skipped ${entry}`, `the system proxy setting "${entry}" for ${origin} is skipped: only http proxies (PROXY) are supported`);
      }
      return choice.proxy;
    }, (e: unknown) => {
      if (this.answers.get(origin)?.proxy === proxy) this.answers.delete(origin);
      this.once(`failed ${errorMessage(e)}`, `could not read the system proxy setting for ${origin}, connecting directly: ${errorMessage(e)}`);
      return undefined;
    });
    this.answers.set(origin, { expires: now + this.ttlMs, proxy });
    return proxy;
  }

  /** The lookup's answer, or a rejection once it has taken longer than lookupTimeoutMs. */
  private ask(url: string): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.lookupTimeoutMs / 1000} s`)), this.lookupTimeoutMs);
      // Waiting for an answer is no reason to keep the thread alive.
      timer.unref();
    });
    return Promise.race([this.lookup(url), late]).finally(() => clearTimeout(timer));
  }

  private once(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.log(message);
  }
}

let system: SystemProxy | undefined;

/** Makes this thread's homeserver calls follow the system's proxy settings (undefined: the environment only). */
export function useSystemProxy(s: SystemProxy | undefined): void {
  system = s;
}

/**
 * The proxy for a request to `target`, or undefined to connect directly: the environment's when it names one (or
 * when there is no system proxy: then synchronously, as before), else the system's. Throws or rejects, in words, on
 * a proxy the environment names that Lattice cannot use.
 */
export function chooseProxy(target: URL, env: Readonly<Record<string, string | undefined>> = process.env): Proxy | undefined | Promise<Proxy | undefined> {
  if (system === undefined || envNamesProxy(target, env)) return proxyFor(target, env);
  if (alwaysDirect(target, env)) return undefined;
  return system.forUrl(target);
}
