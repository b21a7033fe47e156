/**
 * A voice message's player, as Element draws one: play/pause, the waveform (the event's MSC3246 samples, or flat
 * bars when it has none) with the part played coloured in, and a clock showing the length at rest and the time left
 * once it has started (counting down, rounded up; the time played when the length is unknown: playerClock). The waveform is a slider: click or drag to seek, arrow keys move 5 s, Home and End go to
 * the ends. Used in the timeline and for the composer's preview of a recording; only one plays at a time.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type SyntheticEvent } from 'react';
import { barsOf, formatClock, formatTimeLeft, playerClock } from '../../api/voice-recording.ts';
import './voice.css';

const BARS = 48;
const STEP_MS = 5_000;

/** The player playing now, paused when another one starts (two voices at once cannot be followed). */
let playingNow: HTMLAudioElement | null = null;

export function VoicePlayer({ src, durationMs, waveform, name, testId = 'voice-message' }: {
  /** Where the audio is (the media route, decrypting when encrypted, or a blob: URL for a recording). */
  src: string | undefined;
  /** The length the event declares, if any; else the audio's own once it has loaded. */
  durationMs: number | undefined;
  waveform: readonly number[] | undefined;
  name: string;
  testId?: string;
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [loadedLength, setLoadedLength] = useState<number | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const bars = useMemo(() => barsOf(waveform, BARS), [waveform]);
  const length = durationMs ?? loadedLength ?? 0;

  // Follows the playback smoothly (timeupdate comes only about four times a second).
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      if (audio.current) setPosition(audio.current.currentTime * 1000);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  useEffect(() => () => { if (playingNow === audio.current) playingNow = null; }, []);

  function seek(ms: number): void {
    const clamped = Math.max(0, Math.min(length, ms));
    setPosition(clamped);
    if (audio.current) audio.current.currentTime = clamped / 1000;
  }

  function toggle(): void {
    const el = audio.current;
    if (!el) return;
    if (!el.paused) { el.pause(); return; }
    if (playingNow && playingNow !== el) playingNow.pause();
    playingNow = el;
    setProblem(null);
    el.play().catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'AbortError') return; // paused before it began
      setProblem('This voice message could not be played.');
    });
  }

  function fractionAt(ev: PointerEvent<HTMLDivElement>): number {
    const rect = ev.currentTarget.getBoundingClientRect();
    const x = document.documentElement.dir === 'rtl' ? rect.right - ev.clientX : ev.clientX - rect.left;
    return rect.width > 0 ? Math.max(0, Math.min(1, x / rect.width)) : 0;
  }

  function onPointerDown(ev: PointerEvent<HTMLDivElement>): void {
    if (ev.button !== 0 || !length) return;
    ev.currentTarget.setPointerCapture(ev.pointerId);
    seek(fractionAt(ev) * length);
  }

  function onPointerMove(ev: PointerEvent<HTMLDivElement>): void {
    if (!ev.currentTarget.hasPointerCapture(ev.pointerId) || !length) return;
    seek(fractionAt(ev) * length);
  }

  function onKeyDown(ev: KeyboardEvent<HTMLDivElement>): void {
    const moves: Record<string, number> = {
      ArrowRight: position + STEP_MS, ArrowUp: position + STEP_MS, ArrowLeft: position - STEP_MS, ArrowDown: position - STEP_MS,
      Home: 0, End: length, PageUp: position + 6 * STEP_MS, PageDown: position - 6 * STEP_MS,
    };
    const to = moves[ev.key];
    if (to === undefined || !length) return;
    ev.preventDefault();
    seek(to);
  }

  /** The audio's own length, once it says one (a browser's WebM says it only when it has all been read). */
  function learnLength(ev: SyntheticEvent<HTMLAudioElement>): void {
    const d = ev.currentTarget.duration;
    if (Number.isFinite(d) && d > 0) setLoadedLength(d * 1000);
  }

  const played = length > 0 ? Math.min(1, position / length) : 0;
  return (
    <div className="voice-player" data-testid={testId} data-playing={playing || undefined}>
      <div className="voice-row">
        <button type="button" className="voice-play" data-testid="voice-play" disabled={!src}
          aria-label={playing ? `Pause ${name}` : `Play ${name}`} title={playing ? 'Pause' : 'Play'} onClick={toggle}>
          {playing
            ? <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M7 5h3.5v14H7zM13.5 5H17v14h-3.5z" /></svg>
            : <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M8 5.5v13a.7.7 0 0 0 1.06.6l10.4-6.5a.7.7 0 0 0 0-1.2L9.06 4.9A.7.7 0 0 0 8 5.5z" /></svg>}
        </button>
        <div className="voice-waveform" role="slider" tabIndex={0} data-testid="voice-waveform"
          aria-label={`Position in ${name}`} aria-valuemin={0} aria-valuemax={Math.round(length / 1000)}
          aria-valuenow={Math.round(position / 1000)} aria-valuetext={`${formatClock(position)} of ${formatTimeLeft(length)}`}
          onPointerDown={onPointerDown} onPointerMove={onPointerMove} onKeyDown={onKeyDown}>
          {bars.map((h, i) => (
            <span key={i} className={`voice-bar${(i + 0.5) / bars.length <= played ? ' is-played' : ''}`}
              style={{ height: `${Math.max(10, Math.round(h * 100))}%` }} />
          ))}
        </div>
        <span className="voice-clock" data-testid="voice-clock">{playerClock(length, position, playing || position > 0)}</span>
      </div>
      {problem && <span className="voice-problem" role="alert">{problem}</span>}
      <audio ref={audio} src={src} preload={durationMs === undefined ? 'metadata' : 'none'}
        onPlay={() => setPlaying(true)}
        onPause={() => { setPlaying(false); if (audio.current) setPosition(audio.current.currentTime * 1000); }}
        onEnded={() => { setPlaying(false); setPosition(0); if (audio.current) audio.current.currentTime = 0; }}
        onLoadedMetadata={learnLength} onDurationChange={learnLength}
        onError={() => setProblem('This voice message could not be loaded.')} />
    </div>
  );
}
