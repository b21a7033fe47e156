/**
 * A reply's quoted fallback, which clients before spec v1.13 put in front of the reply itself: `> <@user> quoted`
 * lines (and the blank line after them) in the body, an `<mx-reply>…</mx-reply>` block in the HTML. Shown, brief
 * forms and forwarded copies of a reply leave it out.
 */

/** Removes the leading quoted lines (and the blank line after them) of a reply's plain body. */
export function stripReplyFallbackBody(body: string): string {
  if (!body.startsWith('> ')) return body;
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('>')) i++;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/** Removes the leading `<mx-reply>…</mx-reply>` block of a reply's HTML. */
export function stripReplyFallbackHtml(html: string): string {
  return html.replace(/^\s*<mx-reply>[\s\S]*?<\/mx-reply>/i, '');
}
