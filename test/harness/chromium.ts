/**
 * How the browser tests start Chromium: headless, without the sandbox (these machines run tests as root), and
 * without the background traffic (sync, updates, QUIC) that would reach out of the loopback test setup.
 */

/**
 * Chromium's headless shell (Debian's chromium-headless-shell, the binary Playwright's own headless mode runs): the
 * same Blink and V8 as /usr/bin/chromium, without the browser's own layer. A browser test file takes less CPU time
 * with it (room-view-ui against Synapse, all its processes: about 11 s against 13.5 s), and the suite is bound by CPU.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium-headless-shell';

/**
 * The full browser, for what only its own layer has: desktop notifications (and so the app's banner asking for them,
 * shown while permission is still to be asked) and the fake media devices of FAKE_MICROPHONE_ARGS and
 * FAKE_DEVICES_ARGS. The headless shell denies notifications and offers no media devices.
 */
export const FULL_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * A fake microphone (a beeping tone, no device needed) for tests that record audio. Without
 * `--use-fake-ui-for-media-stream` the page still has to be granted the microphone (Playwright's grantPermissions),
 * so a context not granted it sees the refusal a person who said no would.
 */
export const FAKE_MICROPHONE_ARGS = ['--use-fake-device-for-media-stream'];

/**
 * Chromium's fake devices with two cameras: with them it lists three microphones (the default and two more), two
 * cameras and three speakers, enough to choose one that is not the default (Settings → Voice & video).
 */
export const FAKE_DEVICES_ARGS = ['--use-fake-device-for-media-stream=device-count=2'];
