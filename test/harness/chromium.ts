/**
 * How the browser tests start Chromium: headless, without the sandbox (these machines run tests as root), and
 * without the background traffic (sync, updates, QUIC) that would reach out of the loopback test setup.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
