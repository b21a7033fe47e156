/**
 * "Export chat…" from the room header's ⋯ menu, as Element offers it: the room's messages as a file, a web page (the
 * default, as Element's; with its pictures unless unticked) or plain text for people or JSON for
 * programs, the latest N messages or everything since the room began. The history is gathered from the backend page by page
 * (api/chat-export.ts: its database, then the homeserver), then the pictures (chat-export-pictures.ts), each counted
 * as it comes; Cancel stops it. The file is saved as a download (the desktop app asks where), made by
 * chat-export-format.ts or chat-export-html.ts. Encrypted messages are exported as decrypted; the dialog says the
 * file is not.
 */
import { useEffect, useRef, useState } from 'react';
import { gatherHistory } from '../../api/chat-export.ts';
import { useMemberNames, useOwnUserId, useSession } from '../../api/hooks.ts';
import { displayNameOf } from '../../api/selectors.ts';
import { exportAsJson, exportAsText, exportFileName, fromLatestMessages, isMessage, type ExportFormat, type ExportSource } from '../room/chat-export-format.ts';
import { exportAsHtml } from '../room/chat-export-html.ts';
import { gatherPictures, PICTURE_LIMIT, type ExportPictures } from '../room/chat-export-pictures.ts';
import { saveTextFile } from '../security/save-text.ts';
import { Dialog } from './Dialog.tsx';

/** Each format's writer and media type. */
const FILES: Record<ExportFormat, { make: (src: ExportSource, pictures?: ExportPictures) => string; type: string }> = {
  html: { make: exportAsHtml, type: 'text/html' },
  text: { make: exportAsText, type: 'text/plain' },
  json: { make: exportAsJson, type: 'application/json' },
};

const DEFAULT_COUNT = 100;
const MAX_COUNT = 1_000_000;

export function ExportChatDialog({ roomId, roomName, encrypted, onClose }: {
  roomId: string;
  roomName: string;
  /** The room is encrypted: the file will hold what was decrypted, in the clear. */
  encrypted: boolean;
  onClose: () => void;
}) {
  const session = useSession();
  const names = useMemberNames(roomId);
  const ownUserId = useOwnUserId() ?? '';
  const [format, setFormat] = useState<ExportFormat>('html');
  const [all, setAll] = useState(false);
  const [countText, setCountText] = useState(String(DEFAULT_COUNT));
  const [withPictures, setWithPictures] = useState(true);
  const [gathered, setGathered] = useState<number | null>(null);
  const [pictureProgress, setPictureProgress] = useState<{ done: number; of: number } | null>(null);
  const count = Number(countText);
  const countOk = all || (Number.isInteger(count) && count >= 1 && count <= MAX_COUNT);
  // Closing the dialog (Cancel, Esc) while it gathers stops the paging.
  const abort = useRef(new AbortController());
  useEffect(() => {
    const controller = abort.current;
    return () => controller.abort();
  }, []);

  async function run(): Promise<void> {
    const at = new Date();
    let shown = 0;
    const history = await gatherHistory(session, roomId, {
      enough: (page, related) => {
        if (all) return false;
        for (const e of page) if (isMessage(e, related)) shown++;
        return shown >= count;
      },
      onProgress: setGathered,
      signal: abort.current.signal,
    });
    const events = all ? history.events : fromLatestMessages(history.events, history.related, count);
    const src = {
      roomId, roomName, exportedBy: ownUserId, at, events, related: history.related,
      name: (userId: string) => displayNameOf(names, userId), fromStart: history.complete && events.length === history.events.length,
    };
    const pictures = format === 'html' && withPictures
      ? await gatherPictures(events, history.related, {
        signal: abort.current.signal, onProgress: (done, of) => setPictureProgress({ done, of }),
        getPicture: (params, signal) => session.client.request('get_picture', params, { signal }),
      })
      : undefined;
    const file = FILES[format];
    saveTextFile(exportFileName(roomName, format, at), file.make(src, pictures), file.type);
  }

  return (
    <Dialog title="Export chat" submitLabel="Export" testId="export-chat-dialog" canSubmit={countOk} onClose={onClose} onSubmit={run}>
      <fieldset className="dialog-choices">
        <legend>Format</legend>
        <label className="dialog-check">
          <input type="radio" name="export-format" data-testid="export-format-html" checked={format === 'html'} onChange={() => setFormat('html')} />
          Web page (HTML): formatted, with names, replies and reactions, to read in a browser
        </label>
        {format === 'html' && (
          <label className="dialog-check is-under-choice">
            <input type="checkbox" data-testid="export-pictures" checked={withPictures} onChange={(e) => setWithPictures(e.target.checked)} />
            Include pictures (each up to {PICTURE_LIMIT / 1024 / 1024} MB); other files are named
          </label>
        )}
        <label className="dialog-check">
          <input type="radio" name="export-format" data-testid="export-format-text" checked={format === 'text'} onChange={() => setFormat('text')} />
          Plain text: a line for each message, to read
        </label>
        <label className="dialog-check">
          <input type="radio" name="export-format" data-testid="export-format-json" checked={format === 'json'} onChange={() => setFormat('json')} />
          JSON: every event as the sender wrote it, for programs
        </label>
      </fieldset>
      <fieldset className="dialog-choices">
        <legend>Messages</legend>
        <label className="dialog-check">
          <input type="radio" name="export-range" data-testid="export-range-last" checked={!all} onChange={() => setAll(false)} />
          The latest
          <input type="number" className="export-count" min={1} max={MAX_COUNT} value={countText} aria-label="How many of the latest messages"
            data-testid="export-count" disabled={all} onChange={(e) => setCountText(e.target.value)} />
          messages
        </label>
        <label className="dialog-check">
          <input type="radio" name="export-range" data-testid="export-range-all" checked={all} onChange={() => setAll(true)} />
          Everything since the room began
        </label>
      </fieldset>
      {(format === 'text' || (format === 'html' && !withPictures)) && <p className="dialog-note">Pictures and files are named in it, not included.</p>}
      {encrypted && <p>This room is encrypted: the file holds its messages decrypted, readable by anyone who opens it.</p>}
      {gathered !== null && (
        <p role="status" data-testid="export-progress">
          {pictureProgress ? `Fetching pictures: ${pictureProgress.done.toLocaleString()} of ${pictureProgress.of.toLocaleString()}…`
            : `Gathered ${gathered.toLocaleString()} ${gathered === 1 ? 'event' : 'events'}…`}
        </p>
      )}
    </Dialog>
  );
}
