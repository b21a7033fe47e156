// `npm test`'s global setup (node --test-global-setup): starts the Synapse fork server (synapse-forkserver.py) once for
// the whole run, so each test file's Synapse starts from a process that has already imported Synapse (about 2.4 s of
// CPU saved per start, some hundred starts a run), and stops it with every server it started at the end. Test files
// find it through an environment variable, which the runner passes on to them. When Synapse is not installed or the
// server does not come up, it says so and the harness spawns each Synapse itself, as when a file is run alone.
// It also gives the run a folder of its own for the servers' data (LATTICE_SYNAPSE_TMPDIR, unless that is set), removed
// at the end: a test file killed outright cannot remove its server's folder, which was left in /dev/shm.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataRoot, synapseVenvDir } from './synapse.ts';
import { FORKSERVER_SOCKET_ENV } from './synapse-process.ts';

const READY_TIMEOUT_MS = 60_000;

let server: ChildProcess | undefined;
let folder: string | undefined;
let runData: string | undefined;

export async function globalSetup(): Promise<void> {
  if (!process.env.LATTICE_SYNAPSE_TMPDIR) {
    runData = mkdtempSync(join(dataRoot(), 'lattice-run-'));
    process.env.LATTICE_SYNAPSE_TMPDIR = runData;
  }
  const python = join(synapseVenvDir(), 'bin', 'python');
  if (!existsSync(python)) return;
  folder = mkdtempSync(join(tmpdir(), 'lattice-forkserver-'));
  const socketPath = join(folder, 'socket');
  const script = join(dirname(fileURLToPath(import.meta.url)), 'synapse-forkserver.py');
  const child = spawn(python, [script, socketPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  server = child;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('ready\n')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => { clearTimeout(timer); resolve(false); });
    child.once('error', () => { clearTimeout(timer); resolve(false); });
  });
  if (!ready) {
    console.error('synapse harness: the Synapse fork server did not start; each test Synapse is spawned on its own');
    await stopServer();
    return;
  }
  // Its output after "ready" is of no use; drained so a full pipe never blocks it.
  child.stdout.resume();
  child.unref();
  process.env[FORKSERVER_SOCKET_ENV] = socketPath;
}

export async function globalTeardown(): Promise<void> {
  await stopServer();
  if (runData && !process.env.LATTICE_KEEP_SYNAPSE_DATA) rmSync(runData, { recursive: true, force: true });
  runData = undefined;
}

async function stopServer(): Promise<void> {
  delete process.env[FORKSERVER_SOCKET_ENV];
  const child = server;
  server = undefined;
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    // The server leads its own process group, shared by every Synapse it forked: one signal stops them all (any a
    // crashed test file left running too).
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}
