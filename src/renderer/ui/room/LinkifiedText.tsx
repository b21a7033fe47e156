/**
 * A plain-text message with its web addresses and e-mail links made clickable, as Element shows them: most messages
 * carry no HTML (Element itself sends a bare URL as plain text), so without this a link sent from another client
 * could only be copied by hand. linkify-it finds them (the same matcher markdown-it uses when we send); only http(s)
 * and mailto links are made, as the HTML sanitizer allows, and they open outside the app like links in HTML do.
 */
import LinkifyIt from 'linkify-it';
import type { ReactNode } from 'react';

const SCHEMES = new Set(['http:', 'https:', 'mailto:']);

let matcher: LinkifyIt | null = null;
/** Made on first use, not at import. E-mail addresses without mailto: stay text (they are often Matrix-ish IDs). */
function links(): LinkifyIt {
  matcher ??= new LinkifyIt().set({ fuzzyEmail: false });
  return matcher;
}

function allowed(url: string): boolean {
  try {
    return SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function LinkifiedText({ text }: { text: string }): ReactNode {
  const found = links().match(text);
  if (!found) return text;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const m of found) {
    if (m.schema === '//' || !allowed(m.url)) continue;
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push(<a key={m.index} href={m.url} target="_blank" rel="noopener noreferrer nofollow">{m.text}</a>);
    at = m.lastIndex;
  }
  parts.push(text.slice(at));
  return parts;
}
