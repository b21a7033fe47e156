/**
 * Saving text the user must keep (a recovery key, a key export) as a file: a download of a Blob, which works the
 * same in the browser and in the desktop window, and copying to the clipboard. The object URL is revoked once the
 * download has been handed over, so the text does not stay reachable from the page.
 */

/** `type` is the file's media type, which the desktop app's save dialog may go by (a download either way). */
export function saveTextFile(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Resolves whether the text reached the clipboard (it may be refused: no permission, no secure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
