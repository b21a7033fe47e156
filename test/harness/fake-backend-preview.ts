/**
 * The renderer preview: the built `dist/renderer` served with a stand-in backend (preview/preview-backend.ts) that
 * speaks the real contract through the real dispatcher, with made-up but realistic data (8 rooms, members, long
 * history to paginate, local echo → send_complete → sync placement, mark_read clearing badges) and generated PNG
 * avatars (one of them missing, to show the fallback to initials).
 *
 *   node test/harness/fake-backend-preview.ts [--port 8080] [--logged-out] [--auth-fail]
 *   node test/harness/fake-backend-preview.ts --screenshots test-artifacts/screenshots
 *
 * The first form runs until interrupted; the second drives Chromium through login and the room view, saves PNGs
 * and exits non-zero if an expectation along the way fails (preview/screenshots.ts). Build first:
 * `node_modules/.bin/vite build`. Nothing here is the real backend: the end-to-end test against it lives elsewhere.
 */
import { parseArgs } from 'node:util';
import { GOOD_PASSWORD } from './preview/fake-data.ts';
import { screenshots } from './preview/screenshots.ts';
import { startPreview } from './preview/preview-server.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      'logged-out': { type: 'boolean', default: false },
      'auth-fail': { type: 'boolean', default: false },
      screenshots: { type: 'string' },
    },
  });
  if (values.screenshots) {
    await screenshots(values.screenshots);
    return;
  }
  const preview = await startPreview(Number(values.port), {
    loggedIn: !values['logged-out'], authFail: values['auth-fail'], paginateDelayMs: 300,
  });
  console.log(`Lattice renderer preview on ${preview.url} (fake backend; password for --logged-out: ${GOOD_PASSWORD})`);
}

if (import.meta.main) await main();
