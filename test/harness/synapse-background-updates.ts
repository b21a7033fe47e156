// Waits for a fresh Synapse's background database updates to finish before a test uses it.
//
// A new database still has a list of background updates to run (indexes, stats, and the user directory's rebuild,
// which deletes the whole directory and fills it again). Synapse runs them a batch a second, so they went on for
// about ten seconds after start-up, into the tests: a user directory search made during the rebuild found nobody.
// The harness turns the pauses off (`background_updates.sleep_enabled: false`, they then take about 150 ms) and waits
// here until Synapse's `background_updates` table is empty, so every test starts on a server that has settled.

import Database from 'better-sqlite3';

/** How long the updates may take before start-up fails (about 150 ms here without the pauses). */
const BACKGROUND_UPDATES_TIMEOUT_MS = 30_000;

export async function waitForBackgroundUpdates(databasePath: string, failed: () => Error | undefined): Promise<void> {
  // Read-only, beside Synapse's own connection; a read during one of its writes waits for the lock.
  const db = new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    const pending = db.prepare<[], { update_name: string }>('SELECT update_name FROM background_updates');
    const deadline = Date.now() + BACKGROUND_UPDATES_TIMEOUT_MS;
    for (;;) {
      const failure = failed();
      if (failure) throw failure;
      const left = pending.all().map((r) => r.update_name);
      if (left.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`Synapse's background database updates did not finish within ${BACKGROUND_UPDATES_TIMEOUT_MS / 1000} s (left: ${left.join(', ')}).`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    db.close();
  }
}
