/**
 * HTTP byte ranges (RFC 9110 §14) for the media routes of both hosts: an <audio> or <video> element seeks by asking
 * for a range, and without an answer to it Chromium cannot seek at all (a voice message's waveform or a video's
 * timeline would only play from the start). One range is served; a request for several gets the whole body, which
 * the RFC allows.
 */

/** `bytes start-end` (inclusive) within a body of `size` bytes. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks for within `size` bytes: null when there is none to honour (no header, another
 * unit, several ranges, or a malformed one: the whole body is then sent), 'unsatisfiable' when it lies past the end.
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // The last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}

/** The headers of a 206 answer (`range`) or a 416 one ('unsatisfiable'), for a body of `size` bytes. */
export function rangeHeaders(range: ByteRange | 'unsatisfiable', size: number): Record<string, string> {
  return range === 'unsatisfiable'
    ? { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }
    : { 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': String(range.end - range.start + 1) };
}
