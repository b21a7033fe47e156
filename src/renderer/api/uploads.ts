/**
 * Uploading a file the user pasted, dropped or picked, then sending it as a message.
 *
 * The bytes go over HTTP to the host's upload route (gomuks' `POST /_gomuks/upload`, answered by the backend's
 * uploader with the message content to send), not through `upload_media`: that command takes a path on the
 * backend's computer, which a browser page never has (and a pasted image has nowhere), and a JSON-RPC message
 * would carry the file base64-encoded in one piece with no progress. XMLHttpRequest, unlike fetch, reports upload
 * progress and aborts cleanly. The Electron host answers the same route on its app scheme (see the README).
 */
import type { MediaMessageContent } from '../../shared/rpc/commands/media.ts';
import type { JSONObject } from '../../shared/rpc/types.ts';
import type { Session } from './session.ts';
import { TOKEN_STORAGE_KEY } from './websocket-transport.ts';

export interface UploadOptions {
  /** Encrypt the file (an encrypted room): the content then carries `file` instead of `url`. */
  encrypt: boolean;
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** A voice message: sent as one (m.audio with MSC3245's marker) with its length (ms) and MSC3246 waveform. */
  voice?: { durationMs: number; waveform: readonly number[] };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** The route's URL: the page's own origin on the web host, the app scheme in the desktop app. */
function uploadUrl(filename: string, encrypt: boolean, voice: UploadOptions['voice']): string {
  const ipc = typeof window !== 'undefined' && window.location.protocol === 'lattice:';
  const q = new URLSearchParams({ filename, ...(encrypt ? { encrypt: 'true' } : {}) });
  if (voice) {
    q.set('voice_message', 'true');
    q.set('duration', String(Math.round(voice.durationMs)));
    if (voice.waveform.length) q.set('waveform', voice.waveform.join(','));
  }
  return `${ipc ? 'lattice://app' : ''}/_gomuks/upload?${q.toString()}`;
}

/**
 * The web host's page token: like its websocket, the upload route takes the session cookie only together with the
 * token the page keeps (a program on another loopback port can get the cookie, never the token).
 */
function pageToken(): string | null {
  try { return globalThis.localStorage?.getItem(TOKEN_STORAGE_KEY) ?? null; } catch { return null; }
}

/** What went wrong, in words, from the route's `{errcode, error}` answer or the HTTP status. */
export function uploadError(status: number, body: string): string {
  let said: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') said = parsed.error;
  } catch { /* not JSON: fall back to the status */ }
  if (said) return said;
  if (status === 413) return 'The file is larger than the server accepts.';
  if (status === 401 || status === 403) return 'The upload was refused: sign in again.';
  if (status === 0) return 'The upload could not reach Lattice (network error).';
  return `The upload failed (HTTP ${status}).`;
}

/** Uploads `file`; resolves with the content to send, rejects with an Error in words (or an AbortError). */
export function uploadFile(file: Blob & { name?: string }, filename: string, opts: UploadOptions): Promise<MediaMessageContent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', uploadUrl(filename, opts.encrypt, opts.voice));
    if (file.type) xhr.setRequestHeader('Content-Type', file.type);
    const token = pageToken();
    if (token) xhr.setRequestHeader('X-Lattice-Token', token);
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status === 200) {
        try { resolve(JSON.parse(xhr.responseText) as MediaMessageContent); } catch { reject(new Error('The upload answered something Lattice could not read.')); }
      } else {
        reject(new Error(uploadError(xhr.status, xhr.responseText)));
      }
    };
    xhr.onerror = () => reject(new Error(uploadError(0, '')));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Sends an uploaded file as a message, the caption (markdown) as its body; `relatesTo` for a reply or thread. */
export async function sendMedia(session: Session, roomId: string, content: MediaMessageContent, caption: string, relatesTo?: JSONObject): Promise<void> {
  const echo = await session.client.request('send_message', {
    room_id: roomId,
    base_content: content,
    ...(caption.trim() ? { text: caption } : {}),
    ...(relatesTo ? { relates_to: relatesTo } : {}),
  });
  session.store.addLocalEcho(echo);
}
