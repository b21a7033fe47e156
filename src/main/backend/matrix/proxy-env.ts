/**
 * Which proxy, if any, a homeserver call goes through, read from the environment as curl and Go's
 * http.ProxyFromEnvironment read it: https_proxy / HTTPS_PROXY for https URLs, http_proxy / HTTP_PROXY for http URLs
 * (the lower-case name wins when both are set, as in curl and Node), no_proxy / NO_PROXY for the exceptions.
 *
 * Read on every call (it is a few string operations), so a changed environment applies to the next connection.
 * Loopback addresses are never proxied: a proxy elsewhere cannot reach this machine's loopback, and Go does the same.
 * Nor is 0.0.0.0 (or [::]): connecting to it reaches this machine too.
 */
import net from 'node:net';

export interface Proxy {
  /** The proxy's address, credentials included. */
  url: URL;
  /** The proxy's address for messages: without its credentials. */
  shown: string;
  /** `Basic …` from the credentials in the proxy URL, sent as Proxy-Authorization. */
  authorization?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The proxy for a request to `target`, or undefined to connect directly. Throws, in words, on a proxy it cannot use. */
export function proxyFor(target: URL, env: Env = process.env): Proxy | undefined {
  const name = target.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const setting = read(env, name);
  if (setting === undefined || alwaysDirect(target, env)) return undefined;
  return parseProxy(setting, name.toUpperCase());
}

/** Whether the environment names a proxy for the URL's scheme: an explicit choice, so it alone decides (proxyFor). */
export function envNamesProxy(target: URL, env: Env = process.env): boolean {
  return read(env, target.protocol === 'https:' ? 'https_proxy' : 'http_proxy') !== undefined;
}

/** Whether a URL is reached directly whatever proxy is set up: loopback, or named in no_proxy. */
export function alwaysDirect(target: URL, env: Env = process.env): boolean {
  const host = bare(target.hostname);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  return isLoopback(host) || bypassed(read(env, 'no_proxy') ?? '', host, port);
}

/** The lower-case variable, else the upper-case one; an empty value counts as unset. */
function read(env: Env, lower: string): string | undefined {
  const value = env[lower]?.trim() || env[lower.toUpperCase()]?.trim();
  return value || undefined;
}

function parseProxy(setting: string, variable: string): Proxy {
  // curl and Go take "proxy:3128" as an http proxy.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`the proxy address in ${variable} is not a URL: ${setting.replace(/\/\/[^@/]*@/, '//…@')}`);
  }
  const shown = `${url.protocol}//${url.host}`;
  // A TLS connection to the proxy itself, or SOCKS, would be more code than their use here has called for yet.
  if (url.protocol !== 'http:') throw new Error(`the proxy ${shown} (in ${variable}) is not an http:// proxy, the only kind Lattice supports`);
  const authorization = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  return { url, shown, authorization };
}

/** A hostname without the brackets of an IPv6 literal, in lower case. */
function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Whether connecting to `host` reaches this machine: a loopback name or address, or the unspecified address
 * (0.0.0.0, [::]), which Linux and macOS connect to this machine as well.
 */
function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.') || host === '0.0.0.0';
  // URL writes IPv6 compressed ([0:0:0:0:0:0:0:0] as ::) and IPv4-mapped addresses in hex: [::ffff:127.0.0.1] as
  // ::ffff:7f00:1 (hex 7f is 127), [::ffff:0.0.0.0] as ::ffff:0:0.
  return net.isIPv6(host) && (host === '::1' || host === '::' || host === '::ffff:0:0'
    || /^::ffff:(127\.|7f[0-9a-f]{2}:|0\.0\.0\.0$)/i.test(host));
}

/**
 * Whether a no_proxy list names the host: `*` (everything), an IP address or CIDR range, a domain (matching itself and
 * every name under it, with or without a leading dot or `*.`, as curl reads it), each optionally with `:port`.
 */
function bypassed(list: string, host: string, port: number): boolean {
  for (const raw of list.split(/[\s,]+/)) {
    let entry = raw.toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      if (Number(withPort[2]) !== port) continue;
      entry = withPort[1] ?? '';
    }
    entry = bare(entry);
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && net.isIP(host) !== 0) {
      const [, base = '', bits = ''] = cidr;
      const family = net.isIPv4(base) ? 'ipv4' : net.isIPv6(base) ? 'ipv6' : undefined;
      if (family === undefined || Number(bits) > (family === 'ipv4' ? 32 : 128)) continue;
      const range = new net.BlockList();
      range.addSubnet(base, Number(bits), family);
      if (range.check(host, net.isIPv4(host) ? 'ipv4' : 'ipv6')) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (domain !== '' && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  return false;
}
