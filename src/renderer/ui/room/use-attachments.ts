/**
 * The composer's attachments: files pasted, dropped or picked wait here with a preview until Send, then upload one
 * after another with progress (cancel aborts the upload and keeps nothing) and go out as messages, the composer's
 * text as the first one's caption. A failed upload stays in the tray with its reason, to retry or remove.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import type { Session } from '../../api/session.ts';
import { sendMedia, uploadFile } from '../../api/uploads.ts';

export interface Attachment {
  readonly id: number;
  readonly file: File;
  /** An object URL for image and video previews, revoked when the attachment goes. */
  readonly previewUrl: string | null;
  readonly state: 'ready' | 'uploading' | 'sending' | 'failed';
  /** 0..1 while uploading. */
  readonly progress: number;
  readonly error: string | null;
}

let nextId = 1;

function previewable(file: File): boolean {
  return /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml)$/.test(file.type) || file.type.startsWith('video/');
}

export function useAttachments(session: Session, roomId: string, encrypt: boolean) {
  const [items, setItems] = useState<readonly Attachment[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const itemsRef = useRef(items);
  useLayoutEffect(() => { itemsRef.current = items; }, [items]);

  const patch = useCallback((id: number, change: Partial<Attachment>) => {
    setItems((list) => list.map((a) => (a.id === id ? { ...a, ...change } : a)));
  }, []);

  // Switching rooms drops what was attached (and stops any upload): attachments are not part of the draft.
  useEffect(() => () => {
    for (const c of controllers.current.values()) c.abort();
    controllers.current.clear();
    for (const a of itemsRef.current) if (a.previewUrl) URL.revokeObjectURL(a.previewUrl);
    setItems([]);
  }, [roomId]);

  const add = useCallback((files: Iterable<File>) => {
    const added: Attachment[] = [];
    for (const file of files) {
      added.push({
        id: nextId++, file, previewUrl: previewable(file) ? URL.createObjectURL(file) : null, state: 'ready', progress: 0, error: null,
      });
    }
    if (added.length) setItems((list) => [...list, ...added]);
  }, []);

  const remove = useCallback((id: number) => {
    controllers.current.get(id)?.abort();
    controllers.current.delete(id);
    setItems((list) => {
      const gone = list.find((a) => a.id === id);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((a) => a.id !== id);
    });
  }, []);

  /** Uploads and sends every waiting attachment in order; the caption goes with the first. Resolves when done. */
  const sendAll = useCallback(async (caption: string, relatesTo?: JSONObject): Promise<void> => {
    let first = true;
    for (const a of itemsRef.current) {
      if (a.state === 'uploading' || a.state === 'sending') continue;
      const controller = new AbortController();
      controllers.current.set(a.id, controller);
      patch(a.id, { state: 'uploading', progress: 0, error: null });
      try {
        const content = await uploadFile(a.file, a.file.name || 'file', {
          encrypt, signal: controller.signal, onProgress: (sent, total) => patch(a.id, { progress: total ? sent / total : 0 }),
        });
        if (controller.signal.aborted) continue;
        patch(a.id, { state: 'sending', progress: 1 });
        await sendMedia(session, roomId, content, first ? caption : '', relatesTo);
        first = false;
        controllers.current.delete(a.id);
        if (a.previewUrl) URL.revokeObjectURL(a.previewUrl);
        setItems((list) => list.filter((x) => x.id !== a.id));
      } catch (err) {
        controllers.current.delete(a.id);
        if (err instanceof DOMException && err.name === 'AbortError') continue; // cancelled: remove() took it away
        patch(a.id, { state: 'failed', error: errorMessage(err) });
      }
    }
  }, [encrypt, patch, roomId, session]);

  return { items, add, remove, sendAll };
}
