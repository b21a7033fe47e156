/**
 * The voice message of each composer (a room's, or a thread's), kept outside the components as Element's
 * VoiceRecordingStore keeps one per room: the composer going away (another room opened, the thread closed) stops a
 * recording and keeps it as that composer's preview, which is there to play, delete or send on coming back. A send
 * already under way finishes without the composer. Leaving (or forgetting) a room throws its ones away, signing out
 * every one.
 *
 * What each draft holds outside the page's memory is let go when it ends: the microphone (its tracks stopped) as
 * soon as the recording stops, the preview's object URL when it is deleted, sent or thrown away. A tiny external
 * store like the composer modes, one per session, read with `useSyncExternalStore`; the recorder and the sending
 * are passed in, so the states are unit-tested without a browser.
 */
import { errorMessage } from '../../shared/error-message.ts';
import type { MediaMessageContent } from '../../shared/rpc/commands/media.ts';
import type { JSONObject } from '../../shared/rpc/types.ts';
import { listeners } from './listeners.ts';
import type { Session } from './session.ts';
import { sendMedia, uploadFile, type UploadOptions } from './uploads.ts';
import { VOICE_MAX_MS, VoiceRecorder, type Recording } from './voice-recording.ts';

/** How many live levels are kept for the recording's waveform (the newest at the end). */
const LIVE_LEVELS = 90;

export type VoiceState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; elapsedMs: number; levels: number[]; askingToDiscard: boolean }
  | { kind: 'stopping' }
  | { kind: 'preview'; recording: Recording; url: string; sending: boolean; progress: number };

/** What a composer shows: its voice message's state, and what went wrong last, in words. */
export interface VoiceDraftView {
  readonly state: VoiceState;
  readonly error: string | null;
  /** A note that is not a failure (the chosen microphone missing, the default one recording instead). */
  readonly notice?: string | null;
}

/** The part of VoiceRecorder a draft uses. */
export interface Recorder {
  /** Said while it records: the chosen microphone was missing and the default one records instead. */
  readonly notice?: string | null;
  elapsed(): number;
  level(): number;
  stop(): Promise<Recording>;
  cancel(): void;
}

/** What a draft needs from the page: the microphone, object URLs, and the upload and send of a finished one. */
export interface VoiceDraftDeps {
  startRecorder(): Promise<Recorder>;
  createUrl(blob: Blob): string;
  revokeUrl(url: string): void;
  upload(blob: Blob, filename: string, opts: UploadOptions): Promise<MediaMessageContent>;
  send(roomId: string, content: MediaMessageContent, relatesTo: JSONObject | undefined): Promise<void>;
}

/** Where a voice message is sent from: a room's composer, or (with `threadRootId`) the composer of one of its threads. */
export interface VoiceTarget {
  roomId: string;
  threadRootId?: string;
  /** The room is encrypted: the recording is uploaded encrypted. */
  encrypt: boolean;
}

/** One composer's draft: its view, and what it holds that must be let go (recorder, upload, object URL). */
interface Draft {
  view: VoiceDraftView;
  recorder?: Recorder;
  upload?: AbortController;
  url?: string;
}

const IDLE: VoiceDraftView = { state: { kind: 'idle' }, error: null };

/** The key of a composer's draft: the room, and the thread when it is a thread's composer. */
export function voiceDraftKey(roomId: string, threadRootId?: string): string {
  return JSON.stringify([roomId, threadRootId ?? null]);
}

function roomOfKey(key: string): string {
  return (JSON.parse(key) as [string, string | null])[0];
}

export class VoiceDrafts {
  private readonly drafts = new Map<string, Draft>();
  private readonly changed = listeners();
  readonly subscribe = this.changed.subscribe;

  private readonly deps: VoiceDraftDeps;

  constructor(deps: VoiceDraftDeps) {
    this.deps = deps;
  }

  get(key: string): VoiceDraftView {
    return this.drafts.get(key)?.view ?? IDLE;
  }

  /** The keys that hold a draft now (for tests and the sign-out). */
  keys(): string[] {
    return [...this.drafts.keys()];
  }

  /**
   * Asks for the microphone and starts recording. One recording at a time: another composer's (the room's while its
   * thread's starts, say) stops and stays as its preview, as if it had been left.
   */
  async start(key: string): Promise<void> {
    const current = this.drafts.get(key);
    if (current && current.view.state.kind !== 'idle') return;
    for (const [other, draft] of this.drafts) {
      if (other !== key && draft.view.state.kind === 'recording') void this.stop(other);
    }
    const draft: Draft = { view: { state: { kind: 'starting' }, error: null } };
    this.put(key, draft);
    let recorder: Recorder;
    try {
      recorder = await this.deps.startRecorder();
    } catch (e) {
      if (this.drafts.get(key) === draft) this.update(key, draft, { state: { kind: 'idle' }, error: errorMessage(e) });
      return;
    }
    // The composer went away (or its user signed out) while the microphone was being asked for: let it go at once.
    if (this.drafts.get(key) !== draft) { recorder.cancel(); return; }
    draft.recorder = recorder;
    this.update(key, draft, { state: { kind: 'recording', elapsedMs: 0, levels: [], askingToDiscard: false }, error: null, notice: recorder.notice ?? null });
  }

  /** The clock and the live waveform, read every tick while recording; stops the recording at 15 minutes. */
  tick(key: string): void {
    const draft = this.drafts.get(key);
    const s = draft?.view.state;
    if (!draft?.recorder || s?.kind !== 'recording') return;
    const elapsedMs = draft.recorder.elapsed();
    if (elapsedMs >= VOICE_MAX_MS) { void this.stop(key); return; }
    const levels = [...s.levels, draft.recorder.level()].slice(-LIVE_LEVELS);
    this.update(key, draft, { ...draft.view, state: { ...s, elapsedMs, levels } });
  }

  /** Stops recording (the microphone is let go) and opens the preview. */
  async stop(key: string): Promise<void> {
    const draft = this.drafts.get(key);
    const recorder = draft?.recorder;
    if (!draft || !recorder) return;
    draft.recorder = undefined;
    this.update(key, draft, { ...draft.view, state: { kind: 'stopping' } });
    let recording: Recording;
    try {
      recording = await recorder.stop();
    } catch (e) {
      if (this.drafts.get(key) === draft) this.update(key, draft, { state: { kind: 'idle' }, error: `The recording could not be finished: ${errorMessage(e)}` });
      return;
    }
    if (this.drafts.get(key) !== draft) return; // thrown away meanwhile: nothing to keep
    draft.url = this.deps.createUrl(recording.blob);
    this.update(key, draft, { ...draft.view, state: { kind: 'preview', recording, url: draft.url, sending: false, progress: 0 } });
  }

  /**
   * The composer went away: a recording stops and stays as the preview, a microphone still being asked for is let go
   * when it comes, and what went wrong is not said again on coming back. A preview (or its send) stays as it is.
   */
  leave(key: string): void {
    const draft = this.drafts.get(key);
    if (!draft) return;
    const kind = draft.view.state.kind;
    if (kind === 'idle' || kind === 'starting') { this.drop(key); return; }
    if (draft.view.error) this.update(key, draft, { ...draft.view, error: null });
    if (kind === 'recording') void this.stop(key);
  }

  /** Throws the recording (or preview) away: the microphone and the object URL are let go, an upload is cancelled. */
  discard(key: string): void {
    this.drop(key);
  }

  /** Esc while recording: a recording longer than `askAbove` ms asks first (asked again, it goes). */
  askToDiscard(key: string, askAbove: number): void {
    const draft = this.drafts.get(key);
    const s = draft?.view.state;
    if (draft && s?.kind === 'recording' && s.elapsedMs > askAbove && !s.askingToDiscard) {
      this.update(key, draft, { ...draft.view, state: { ...s, askingToDiscard: true } });
      return;
    }
    this.drop(key);
  }

  keepRecording(key: string): void {
    const draft = this.drafts.get(key);
    const s = draft?.view.state;
    if (draft && s?.kind === 'recording') this.update(key, draft, { ...draft.view, state: { ...s, askingToDiscard: false } });
  }

  /**
   * Uploads the preview and sends it to `target` with `relatesTo` (a reply, or the thread's relation); answers
   * whether it went. A failed send keeps the preview to try again, and says why.
   */
  async send(key: string, target: VoiceTarget, relatesTo: JSONObject | undefined): Promise<boolean> {
    const draft = this.drafts.get(key);
    const s = draft?.view.state;
    if (!draft || s?.kind !== 'preview' || s.sending) return false;
    const { recording } = s;
    const controller = new AbortController();
    draft.upload = controller;
    this.update(key, draft, { state: { ...s, sending: true, progress: 0 }, error: null });
    const onProgress = (sent: number, total: number): void => {
      const now = this.drafts.get(key) === draft ? draft.view.state : undefined;
      if (now?.kind === 'preview') this.update(key, draft, { ...draft.view, state: { ...now, progress: total ? sent / total : 0 } });
    };
    try {
      const content = await this.deps.upload(recording.blob, recording.filename, {
        encrypt: target.encrypt, signal: controller.signal, onProgress,
        voice: { durationMs: recording.durationMs, waveform: recording.waveform },
      });
      if (controller.signal.aborted) return false;
      await this.deps.send(target.roomId, content, relatesTo);
      draft.upload = undefined;
      if (this.drafts.get(key) === draft) this.drop(key);
      return true;
    } catch (e) {
      draft.upload = undefined;
      if (controller.signal.aborted || this.drafts.get(key) !== draft) return false;
      const now = draft.view.state;
      if (now.kind === 'preview') {
        this.update(key, draft, { state: { ...now, sending: false, progress: 0 }, error: `The voice message was not sent: ${errorMessage(e)}` });
      }
      return false;
    }
  }

  /**
   * Rooms left or forgotten: the drafts of those `gone` names (the room's composer's and its threads') go, as on
   * signing out, each microphone and object URL let go; there is no composer left to send them from.
   */
  discardRooms(gone: (roomId: string) => boolean): void {
    const keys = [...this.drafts.keys()].filter((key) => gone(roomOfKey(key)));
    for (const key of keys) this.release(key);
    if (keys.length) this.changed.notify();
  }

  /** Signing out: every draft goes, each microphone and object URL let go. */
  discardAll(): void {
    if (!this.drafts.size) return;
    for (const key of [...this.drafts.keys()]) this.release(key);
    this.changed.notify();
  }

  private put(key: string, draft: Draft): void {
    this.release(key);
    this.drafts.set(key, draft);
    this.changed.notify();
  }

  private update(key: string, draft: Draft, view: VoiceDraftView): void {
    if (this.drafts.get(key) !== draft) return;
    draft.view = view;
    this.changed.notify();
  }

  private drop(key: string): void {
    if (!this.drafts.has(key)) return;
    this.release(key);
    this.changed.notify();
  }

  /** Lets go of what the draft holds and forgets it (without telling the listeners). */
  private release(key: string): void {
    const draft = this.drafts.get(key);
    if (!draft) return;
    this.drafts.delete(key);
    draft.recorder?.cancel();
    draft.recorder = undefined;
    draft.upload?.abort();
    draft.upload = undefined;
    if (draft.url) this.deps.revokeUrl(draft.url);
    draft.url = undefined;
  }
}

const perSession = new WeakMap<Session, VoiceDrafts>();

/** The session's voice drafts, thrown away when it signs out (also when signed out elsewhere). */
export function voiceDrafts(session: Session): VoiceDrafts {
  let drafts = perSession.get(session);
  if (drafts) return drafts;
  drafts = new VoiceDrafts({
    startRecorder: () => VoiceRecorder.start(),
    createUrl: (blob) => URL.createObjectURL(blob),
    revokeUrl: (url) => URL.revokeObjectURL(url),
    upload: uploadFile,
    send: (roomId, content, relatesTo) => sendMedia(session, roomId, content, '', relatesTo),
  });
  perSession.set(session, drafts);
  const made = drafts;
  let signedIn = session.store.getSnapshot().clientState?.is_logged_in ?? false;
  session.store.subscribe(() => {
    const now = session.store.getSnapshot().clientState?.is_logged_in ?? false;
    if (signedIn && !now) made.discardAll();
    signedIn = now;
  });
  // A room left or forgotten (here or on another device) takes its drafts with it.
  session.client.on('sync_complete', (sync) => {
    const left = new Set(sync.left_rooms ?? []);
    if (left.size) made.discardRooms((roomId) => left.has(roomId));
  });
  // One left while this page was not connected is not among the rooms the backend replays on connecting, which are
  // all in the store by init_complete (the replay's chunks alone could not tell: each brings only some of the rooms).
  session.client.on('init_complete', () => {
    const rooms = session.store.getSnapshot().rooms;
    made.discardRooms((roomId) => !rooms.has(roomId));
  });
  return drafts;
}
