/**
 * A refused or missing microphone or camera, or a screen that could not be shared, in words: what getUserMedia's
 * (or getDisplayMedia's) error means for a call and what to do.
 * Pure (the error's name decides), so it is unit-tested.
 */

/** Why a call could not use the microphone (and camera, for a video call). */
export function mediaErrorText(e: unknown, video: boolean): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const devices = video ? 'microphone and camera' : 'microphone';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Lattice may not use your ${devices}. Allow ${devices} access for Lattice (in your browser's or system's settings), then call again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return video
        ? 'No camera or microphone was found. Connect them, or make a voice call instead.'
        : 'No microphone was found. Connect one to make calls.';
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${devices} could not be started; another program may be using ${video ? 'them' : 'it'}.`;
    case 'NotSupportedError':
      return 'This browser cannot make calls here (it offers no microphone or camera to this page).';
    default:
      return `Your ${devices} could not be started${e instanceof Error && e.message ? `: ${e.message}` : '.'}`;
  }
}

/**
 * Why a screen could not be shared, in words; empty when nothing need be said: the person closed the picker
 * without choosing (a refusal that does not come from the system).
 */
export function screenErrorText(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : '';
  switch (name) {
    case 'NotAllowedError':
      return /system/i.test(message)
        ? 'Lattice may not record your screen. Allow screen recording for Lattice in your system\'s settings, then share again.'
        : '';
    case 'NotSupportedError':
      return 'Screen sharing is not available here.';
    case 'NotFoundError':
      return 'No screen or window was found to share.';
    default:
      return `Your screen could not be shared${message ? `: ${message}` : '.'}`;
  }
}
