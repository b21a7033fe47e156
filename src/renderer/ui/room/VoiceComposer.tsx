/**
 * The composer's voice message parts: the microphone button (shown while the composer is empty, as in Element) and,
 * in place of the text box while a voice message is under way, the recording bar (a red dot, the live waveform,
 * the elapsed time, Cancel and Stop) and then the preview (the player, Delete and Send). Esc cancels; a recording
 * longer than a few seconds asks first.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ASK_BEFORE_DISCARD_MS, VOICE_MAX_MS, formatClock } from '../../api/voice-recording.ts';
import type { VoiceState } from '../../api/voice-drafts.ts';
import { VoicePlayer } from './VoicePlayer.tsx';
import './voice.css';

/** Bars of the live waveform shown at once (the newest on the right). */
const LIVE_BARS = 90;

export function MicButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <button type="button" className="composer-tool voice-mic" data-testid="voice-record" disabled={busy}
      aria-label="Record a voice message" title="Record a voice message" onClick={onClick}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path fill="currentColor" d="M12 14.5a3.5 3.5 0 0 0 3.5-3.5V5.5a3.5 3.5 0 0 0-7 0V11a3.5 3.5 0 0 0 3.5 3.5zm6-3.5a1 1 0 1 0-2 0 4 4 0 0 1-8 0 1 1 0 1 0-2 0 6 6 0 0 0 5 5.91V19H8.5a1 1 0 1 0 0 2h7a1 1 0 1 0 0-2H13v-2.09A6 6 0 0 0 18 11z" />
      </svg>
    </button>
  );
}

const TrashIcon = () => (
  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
    <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7zm4 2v8h1.5v-8zm2.5 0v8H14v-8z" />
  </svg>
);

export function VoiceComposer({ state, onStop, onDiscard, onAskToDiscard, onKeep, onSend }: {
  state: Extract<VoiceState, { kind: 'recording' | 'stopping' | 'preview' }>;
  onStop: () => void;
  onDiscard: () => void;
  onAskToDiscard: (askAbove: number) => void;
  onKeep: () => void;
  onSend: () => void;
}) {
  const focusTarget = useRef<HTMLButtonElement>(null);
  const asking = state.kind === 'recording' && state.askingToDiscard;
  // Focus on the step's main button: Stop while recording, Send on the preview, Keep when asked.
  useEffect(() => { focusTarget.current?.focus(); }, [state.kind, asking]);

  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    if (ev.key !== 'Escape') return;
    ev.preventDefault();
    ev.stopPropagation();
    if (state.kind === 'recording') onAskToDiscard(ASK_BEFORE_DISCARD_MS);
    else if (state.kind === 'preview' && !state.sending) onDiscard();
  }

  if (state.kind === 'preview') {
    const { recording, sending, progress } = state;
    return (
      <div className="composer-box voice-composer" data-testid="voice-preview" onKeyDown={onKeyDown}>
        <button type="button" className="composer-tool voice-delete" data-testid="voice-delete" disabled={sending}
          aria-label="Delete the voice message" title="Delete" onClick={onDiscard}>
          <TrashIcon />
        </button>
        <VoicePlayer src={state.url} durationMs={recording.durationMs} waveform={recording.waveform} name="your recording" testId="voice-preview-player" />
        {sending && <span className="voice-status" role="status">Sending… {Math.round(progress * 100)}%</span>}
        <button ref={focusTarget} type="button" className="composer-send" data-testid="voice-send" disabled={sending}
          aria-label="Send the voice message" title="Send (Enter)" onClick={onSend}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </div>
    );
  }

  const elapsed = state.kind === 'recording' ? state.elapsedMs : 0;
  const levels = state.kind === 'recording' ? state.levels.slice(-LIVE_BARS) : [];
  const padding = LIVE_BARS - levels.length;
  return (
    <div className="composer-box voice-composer is-recording" data-testid="voice-recording" onKeyDown={onKeyDown}>
      {asking ? (
        <div className="voice-ask" role="alertdialog" aria-label="Discard the recording?" data-testid="voice-ask">
          <span>Discard this {formatClock(elapsed)} recording?</span>
          <button ref={focusTarget} type="button" className="voice-text-button" data-testid="voice-keep" onClick={onKeep}>Keep recording</button>
          <button type="button" className="voice-text-button is-danger" data-testid="voice-discard" onClick={onDiscard}>Discard</button>
        </div>
      ) : (
        <>
          <button type="button" className="composer-tool voice-delete" data-testid="voice-cancel"
            aria-label="Cancel the recording" title="Cancel (Esc)" onClick={() => onAskToDiscard(ASK_BEFORE_DISCARD_MS)}>
            <TrashIcon />
          </button>
          <span className="voice-dot" aria-hidden="true" />
          <span className="voice-clock is-recording" data-testid="voice-elapsed" role="timer"
            aria-label={`Recording: ${formatClock(elapsed)} of at most ${formatClock(VOICE_MAX_MS)}`}>
            {formatClock(elapsed)}
          </span>
          <div className="voice-live" aria-hidden="true">
            {Array.from({ length: padding }, (_, i) => <span key={`p${i}`} className="voice-bar is-empty" />)}
            {levels.map((l, i) => <span key={i} className="voice-bar is-live" style={{ height: `${Math.max(8, Math.round(l * 100))}%` }} />)}
          </div>
          <button ref={focusTarget} type="button" className="composer-send voice-stop" data-testid="voice-stop"
            disabled={state.kind !== 'recording'} aria-label="Stop recording" title="Stop" onClick={onStop}>
            <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><rect x="5" y="5" width="14" height="14" rx="2" fill="currentColor" /></svg>
          </button>
        </>
      )}
    </div>
  );
}
