/**
 * The composer's voice message, from the microphone button to the message sent: recording (with the live levels
 * and elapsed time, stopped by itself at 15 minutes), the preview (play it back, delete or send), and sending it
 * through the upload route with its length and waveform. A refused or missing microphone, or a failed upload, is
 * said in words and loses nothing: a recording that failed to send stays in the preview to try again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import type { Session } from '../../api/session.ts';
import { sendMedia, uploadFile } from '../../api/uploads.ts';
import { VOICE_MAX_MS, VoiceRecorder, type Recording } from '../../api/voice-recording.ts';

/** How many live levels are kept for the recording's waveform (the newest at the end). */
const LIVE_LEVELS = 90;
const TICK_MS = 100;

export type VoiceState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; elapsedMs: number; levels: number[]; askingToDiscard: boolean }
  | { kind: 'stopping' }
  | { kind: 'preview'; recording: Recording; url: string; sending: boolean; progress: number };

export function useVoiceRecording(session: Session, roomId: string, encrypt: boolean) {
  const [state, setState] = useState<VoiceState>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<VoiceRecorder | null>(null);
  const url = useRef<string | null>(null);
  const upload = useRef<AbortController | null>(null);

  const forget = useCallback(() => {
    recorder.current?.cancel();
    recorder.current = null;
    upload.current?.abort();
    upload.current = null;
    if (url.current) URL.revokeObjectURL(url.current);
    url.current = null;
  }, []);

  // Another room, or the composer gone: the recording ends with it (the microphone is let go).
  useEffect(() => () => { forget(); setState({ kind: 'idle' }); setError(null); }, [forget, roomId]);

  const stop = useCallback(async () => {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    setState({ kind: 'stopping' });
    try {
      const recording = await r.stop();
      url.current = URL.createObjectURL(recording.blob);
      setState({ kind: 'preview', recording, url: url.current, sending: false, progress: 0 });
    } catch (e) {
      setError(`The recording could not be finished: ${errorMessage(e)}`);
      setState({ kind: 'idle' });
    }
  }, []);

  // The clock and the live waveform, and the 15-minute limit.
  const recording = state.kind === 'recording';
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => {
      const r = recorder.current;
      if (!r) return;
      const elapsedMs = r.elapsed();
      if (elapsedMs >= VOICE_MAX_MS) { void stop(); return; }
      const level = r.level();
      setState((s) => (s.kind === 'recording' ? { ...s, elapsedMs, levels: [...s.levels, level].slice(-LIVE_LEVELS) } : s));
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [recording, stop]);

  const start = useCallback(async () => {
    setError(null);
    setState({ kind: 'starting' });
    try {
      recorder.current = await VoiceRecorder.start();
      setState({ kind: 'recording', elapsedMs: 0, levels: [], askingToDiscard: false });
    } catch (e) {
      setError(errorMessage(e));
      setState({ kind: 'idle' });
    }
  }, []);

  /** Throws the recording (or preview) away. */
  const discard = useCallback(() => {
    forget();
    setError(null);
    setState({ kind: 'idle' });
  }, [forget]);

  /** Esc while recording: a short recording goes at once, a longer one asks first (asked again, it goes). */
  const askToDiscard = useCallback((askAbove: number) => {
    if (state.kind === 'recording' && state.elapsedMs > askAbove && !state.askingToDiscard) {
      setState({ ...state, askingToDiscard: true });
      return;
    }
    discard();
  }, [discard, state]);

  const keepRecording = useCallback(() => {
    setState((s) => (s.kind === 'recording' ? { ...s, askingToDiscard: false } : s));
  }, []);

  const send = useCallback(async (relatesTo: JSONObject | undefined): Promise<boolean> => {
    if (state.kind !== 'preview' || state.sending) return false;
    const { recording: rec } = state;
    const controller = new AbortController();
    upload.current = controller;
    setError(null);
    setState({ ...state, sending: true, progress: 0 });
    try {
      const content = await uploadFile(rec.blob, rec.filename, {
        encrypt, signal: controller.signal, voice: { durationMs: rec.durationMs, waveform: rec.waveform },
        onProgress: (sent, total) => setState((s) => (s.kind === 'preview' ? { ...s, progress: total ? sent / total : 0 } : s)),
      });
      if (controller.signal.aborted) return false;
      await sendMedia(session, roomId, content, '', relatesTo);
      upload.current = null;
      discard();
      return true;
    } catch (e) {
      upload.current = null;
      if (e instanceof DOMException && e.name === 'AbortError') return false;
      setError(`The voice message was not sent: ${errorMessage(e)}`);
      setState((s) => (s.kind === 'preview' ? { ...s, sending: false, progress: 0 } : s));
      return false;
    }
  }, [discard, encrypt, roomId, session, state]);

  return { state, error, clearError: () => setError(null), start, stop, discard, askToDiscard, keepRecording, send };
}
