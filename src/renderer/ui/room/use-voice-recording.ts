/**
 * A composer's voice message, from the microphone button to the message sent: recording (with the live levels
 * and elapsed time, stopped by itself at 15 minutes), the preview (play it back, delete or send), and sending it
 * through the upload route with its length and waveform. The draft itself lives in the session's voice drafts
 * (api/voice-drafts.ts), keyed by room and thread, so leaving the composer stops the recording and keeps it as the
 * preview to come back to. A refused or missing microphone, or a failed upload, is said in words and loses nothing.
 */
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import type { Session } from '../../api/session.ts';
import { voiceDraftKey, voiceDrafts } from '../../api/voice-drafts.ts';

const TICK_MS = 100;

/** The voice message of the composer of `roomId` (or of its thread `threadRootId`). */
export function useVoiceRecording(session: Session, roomId: string, encrypt: boolean, threadRootId?: string) {
  const drafts = voiceDrafts(session);
  const key = voiceDraftKey(roomId, threadRootId);
  const { state, error, notice } = useSyncExternalStore(drafts.subscribe, () => drafts.get(key));

  // Another room or thread, or the composer gone: a recording stops (the microphone is let go) and is kept.
  useEffect(() => () => drafts.leave(key), [drafts, key]);

  // The clock and the live waveform, and the 15-minute limit, while this composer shows the recording.
  const recording = state.kind === 'recording';
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => drafts.tick(key), TICK_MS);
    return () => clearInterval(timer);
  }, [drafts, key, recording]);

  const start = useCallback(() => drafts.start(key), [drafts, key]);
  const stop = useCallback(() => drafts.stop(key), [drafts, key]);
  /** Throws the recording (or preview) away. */
  const discard = useCallback(() => drafts.discard(key), [drafts, key]);
  /** Esc while recording: a short recording goes at once, a longer one asks first (asked again, it goes). */
  const askToDiscard = useCallback((askAbove: number) => drafts.askToDiscard(key, askAbove), [drafts, key]);
  const keepRecording = useCallback(() => drafts.keepRecording(key), [drafts, key]);
  const target = useMemo(() => ({ roomId, threadRootId, encrypt }), [encrypt, roomId, threadRootId]);
  const send = useCallback((relatesTo: JSONObject | undefined) => drafts.send(key, target, relatesTo), [drafts, key, target]);

  return { state, error, notice, start, stop, discard, askToDiscard, keepRecording, send };
}
