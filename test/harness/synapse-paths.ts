/**
 * Where the test harness finds Synapse and keeps its servers' data: the cached virtualenv that
 * scripts/setup-synapse.sh builds (with a check that it finished installing), and the folder each throwaway server's
 * data goes into.
 */

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export function synapseVenvDir(): string {
  const cache = process.env.LATTICE_TEST_CACHE || join(homedir(), '.cache', 'lattice-test');
  return join(cache, 'synapse-venv');
}

/** The venv's Python, once scripts/setup-synapse.sh has finished installing Synapse into it (its marker file says so). */
export function installedSynapsePython(): string {
  const venv = synapseVenvDir();
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(venv, '.lattice-synapse-installed'))) {
    throw new Error(
      `Synapse is not installed at ${venv}. Run scripts/setup-synapse.sh first ` +
        '(it installs Synapse from PyPI into that cached virtualenv).',
    );
  }
  return python;
}

/**
 * Where a throwaway Synapse keeps its data: in memory (/dev/shm) where there is a writable one, else the temp folder;
 * LATTICE_SYNAPSE_TMPDIR chooses. Synapse's SQLite commits each transaction with fsyncs (rollback journal,
 * synchronous=FULL), which on a disk bound a test's sending: 200 messages sent one after another took 22–23 s with
 * the data on this machine's disk and 6–13 s in /dev/shm. A server deleted after its test needs no durability.
 */
export function dataRoot(): string {
  if (process.env.LATTICE_SYNAPSE_TMPDIR) return process.env.LATTICE_SYNAPSE_TMPDIR;
  try {
    accessSync('/dev/shm', constants.W_OK);
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // No shared memory folder (macOS, Windows): the temp folder.
  }
  return tmpdir();
}
