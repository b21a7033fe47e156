/**
 * The proxy to use from a PAC-style answer, as Chromium gives the operating system's proxy settings (its
 * `session.resolveProxy`, from GNOME/KDE settings, the Windows or macOS system proxy, or a PAC file): entries
 * separated by `;`, each `DIRECT` or a kind and `host:port` (`PROXY`, `HTTPS`, `SOCKS`, `SOCKS4`, `SOCKS5`, `QUIC`),
 * to be tried in order.
 *
 * The first entry Lattice can use wins: `PROXY` (an http proxy, what the transport speaks) or `DIRECT`. Other kinds
 * (a TLS connection to the proxy, SOCKS) are skipped and named, so the caller can say once which it passed over; an
 * answer with nothing usable, or an empty one, means direct, as Chromium falls back to direct when its list ends.
 */
import type { Proxy } from './proxy-env.ts';

export interface PacChoice {
  /** The http proxy to use, or undefined to connect directly. */
  proxy: Proxy | undefined;
  /** The entries passed over before the choice (as written in the answer, trimmed). */
  skipped: string[];
}

export function choosePacEntry(answer: string): PacChoice {
  const skipped: string[] = [];
  for (const raw of answer.split(';')) {
    const entry = raw.trim().replace(/\s+/g, ' ');
    if (entry === '') continue;
    const [kind = '', address, ...rest] = entry.split(' ');
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT' && address === undefined) return { proxy: undefined, skipped };
    // "HTTP" is how some PAC files name an http proxy; Chromium reads it as PROXY.
    const proxy = (upper === 'PROXY' || upper === 'HTTP') && address !== undefined && rest.length === 0 ? httpProxy(address) : undefined;
    if (proxy) return { proxy, skipped };
    skipped.push(entry);
  }
  return { proxy: undefined, skipped };
}

/** `host:port` (an IPv6 host in brackets) as an http proxy, or undefined if it is not one. */
function httpProxy(address: string): Proxy | undefined {
  if (!/^(\[[0-9a-f:.]+\]|[^\s:/@[\]]+)(:\d{1,5})?$/i.test(address)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${address}`);
  } catch {
    return undefined;
  }
  return { url, shown: `${url.protocol}//${url.host}` };
}
