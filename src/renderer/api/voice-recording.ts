/**
 * Recording a voice message in the page, as Element does: the microphone through getUserMedia, the bytes from
 * MediaRecorder (Opus, in Ogg when the browser can, else WebM, which is what Chromium records), a live level for the
 * waveform drawn while recording, and afterwards the length and MSC3246 waveform measured from the recording itself
 * with Web Audio (a browser's WebM declares no length, and the live levels depend on when frames were drawn).
 * The arithmetic (levels, waveform, times, what a refusal means) is pure and unit-tested.
 */
import { WAVEFORM_MAX_VALUE } from '../../shared/rpc/commands/media.ts';
import { openMedia } from './media-devices.ts';

/** Element stops a voice message at 15 minutes. */
export const VOICE_MAX_MS = 15 * 60_000;
/** Element sends about 100 waveform samples. */
export const WAVEFORM_SAMPLES = 100;
/** Esc discards a recording at once only when it is shorter than this; a longer one asks first. */
export const ASK_BEFORE_DISCARD_MS = 3_000;

const RECORDING_TYPES = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm'];

/** "0:07", "1:02:03" — the clock Element shows beside a voice message. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A voice message player's clock: the time left to play (the whole length before it starts and after it ends), in
 * whole seconds rounded up, as a countdown reads: it shows 0:00 only at the very end, so a 3 s message 0.4 s in
 * reads 0:03 (rounded down, elapsed time would read 0:00 there, as if it had ended), and its length is never
 * shown shorter than it is.
 */
export function formatTimeLeft(lengthMs: number, positionMs = 0): string {
  const left = Math.max(0, Math.round(lengthMs - positionMs));
  return formatClock(Math.ceil(left / 1000) * 1000);
}

/**
 * What a voice message player's clock reads: its length before it has started (and after it ended), then the time
 * left (formatTimeLeft). A message of unknown length (no `info.duration`, and audio that does not say: a browser's
 * WebM) counts the time played up instead, as there is nothing to count down from.
 */
export function playerClock(lengthMs: number, positionMs: number, started: boolean): string {
  if (lengthMs > 0) return formatTimeLeft(lengthMs, started ? positionMs : 0);
  return formatClock(started ? positionMs : 0);
}

/** The root mean square of a stretch of samples (-1..1): how loud it is. */
export function rms(samples: ArrayLike<number>, from = 0, to = samples.length): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / (to - from));
}

/**
 * A loudness (RMS, 0..1) as a bar height from 0 to 1 on a decibel scale from -60 dB (silence, 0) to 0 dB (1), as
 * level meters show it: on a straight scale speech, rarely past a tenth of full scale, would barely move the bars.
 */
export function loudness(level: number): number {
  if (level <= 0) return 0;
  return Math.max(0, Math.min(1, (20 * Math.log10(level) + 60) / 60));
}

/**
 * An MSC3246 waveform of `count` whole numbers from 0 to 1024: the loudness of each of `count` equal stretches of
 * the samples, scaled so the loudest is 1024 (a quiet recording still shows its shape; silence stays flat at 0).
 */
export function waveformOf(samples: ArrayLike<number>, count = WAVEFORM_SAMPLES): number[] {
  if (samples.length === 0 || count <= 0) return [];
  const levels: number[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * samples.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * samples.length) / count));
    levels.push(rms(samples, from, Math.min(to, samples.length)));
  }
  const loudest = Math.max(...levels);
  return levels.map((l) => (loudest > 0 ? Math.round((l / loudest) * WAVEFORM_MAX_VALUE) : 0));
}

/**
 * `count` bar heights from 0 to 1 for a waveform of any length (MSC3246 samples from 0 to 1024), resampled by
 * taking each bar's loudest sample; flat low bars when the event has none (as Element draws one).
 */
export function barsOf(waveform: readonly number[] | undefined, count: number): number[] {
  if (!waveform?.length) return Array.from({ length: count }, () => 0);
  const bars: number[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.floor((i * waveform.length) / count);
    const to = Math.max(from + 1, Math.floor(((i + 1) * waveform.length) / count));
    let peak = 0;
    for (let j = from; j < Math.min(to, waveform.length); j++) peak = Math.max(peak, waveform[j]);
    bars.push(Math.min(1, Math.max(0, peak / WAVEFORM_MAX_VALUE)));
  }
  return bars;
}

/** Why the microphone cannot be used, in words, from what getUserMedia or MediaRecorder threw. */
export function microphoneProblem(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Lattice may not use your microphone. Allow microphone access for Lattice (in your browser\'s or system\'s settings) to record a voice message.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one to record a voice message.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be started; another program may be using it.';
    case 'NotSupportedError':
      return 'This browser cannot record audio.';
    default:
      return `The microphone could not be started${e instanceof Error && e.message ? `: ${e.message}` : '.'}`;
  }
}

/** The recording's container and codec, as the browser can record it; '' lets the browser choose. */
function recordingType(): string {
  return RECORDING_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
}

/** A finished recording: its bytes, a file name for them, and its length and waveform. */
export interface Recording {
  blob: Blob;
  filename: string;
  durationMs: number;
  waveform: number[];
}

/** One recording in progress. `level()` is the microphone's loudness now, 0..1, for the live waveform. */
export class VoiceRecorder {
  private readonly stream: MediaStream;
  private readonly recorder: MediaRecorder;
  private readonly audio: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly buffer: Float32Array<ArrayBuffer>;
  private readonly chunks: Blob[] = [];
  private readonly startedAt = performance.now();
  private stopped = false;
  /** Said while recording when the chosen microphone was not connected and the default one records instead. */
  readonly notice: string | null;

  private constructor(stream: MediaStream, notice: string | null) {
    this.stream = stream;
    this.notice = notice;
    const type = recordingType();
    this.recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    this.recorder.ondataavailable = (e) => { if (e.data.size) this.chunks.push(e.data); };
    this.audio = new AudioContext();
    this.analyser = this.audio.createAnalyser();
    this.analyser.fftSize = 1024;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.audio.createMediaStreamSource(stream).connect(this.analyser);
    this.recorder.start(250);
  }

  /** Asks for the microphone (the one chosen in Settings, else the default) and starts recording; rejects with words when it cannot. */
  static async start(): Promise<VoiceRecorder> {
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      throw new Error('This browser cannot record audio here (a microphone needs a secure page, https or this computer).');
    }
    let stream: MediaStream;
    let notice: string | null;
    try {
      ({ stream, notice } = await openMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: false }));
    } catch (e) {
      throw new Error(microphoneProblem(e));
    }
    try {
      return new VoiceRecorder(stream, notice);
    } catch (e) {
      for (const t of stream.getTracks()) t.stop();
      throw new Error(microphoneProblem(e));
    }
  }

  /** Milliseconds recorded so far. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }

  /** The microphone's loudness now, from 0 to 1 (see `loudness`). */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.buffer);
    return loudness(rms(this.buffer));
  }

  /** Stops and answers the recording with its length and waveform. */
  async stop(): Promise<Recording> {
    const elapsed = this.elapsed();
    const done = new Promise<void>((resolve) => { this.recorder.onstop = () => resolve(); });
    this.end();
    await done;
    const type = (this.recorder.mimeType || this.chunks[0]?.type || 'audio/webm').split(';')[0];
    const blob = new Blob(this.chunks, { type });
    const measured = await measure(blob).catch(() => undefined);
    return {
      blob,
      filename: `Voice message.${type === 'audio/ogg' ? 'ogg' : type === 'audio/mp4' ? 'm4a' : 'webm'}`,
      durationMs: Math.round(measured?.durationMs ?? elapsed),
      waveform: measured?.waveform ?? [],
    };
  }

  /** Stops recording and lets the microphone go, keeping nothing. */
  cancel(): void {
    this.end();
  }

  private end(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    for (const t of this.stream.getTracks()) t.stop();
    void this.audio.close().catch(() => undefined);
  }
}

/** The recording's length and waveform, from its decoded samples (the first channel: voice is mono). */
async function measure(blob: Blob): Promise<{ durationMs: number; waveform: number[] }> {
  const ctx = new OfflineAudioContext(1, 1, 48_000);
  const decoded = await ctx.decodeAudioData(await blob.arrayBuffer());
  return { durationMs: decoded.duration * 1000, waveform: waveformOf(decoded.getChannelData(0)) };
}
