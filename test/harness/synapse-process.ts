// A test Synapse's process: forked from the run's fork server when there is one (synapse-forkserver.py, started by
// synapse-global-setup.ts for `npm test`), else spawned as its own Python process (a single test file run by hand).
// Either way the harness sees the same small interface: its pid, a promise of its exit, and a way to signal it.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect } from 'node:net';

/** The environment variable naming the fork server's socket, set by the global setup for every test file. */
export const FORKSERVER_SOCKET_ENV = 'LATTICE_SYNAPSE_FORKSERVER';

export interface SynapseProcess {
  readonly pid: number;
  /** Settles once the process has gone (its code and signal when it was our own child, else nulls). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal; false when the process is already gone. */
  kill(signal: NodeJS.Signals): boolean;
  /** Whether it has gone. */
  gone(): boolean;
}

/** How often a forked Synapse (not our child, so no exit event) is checked for having gone. */
const FORKED_POLL_MS = 100;

export async function launchSynapse(python: string, configPath: string, dataDir: string, stdioLog: string): Promise<SynapseProcess> {
  const socketPath = process.env[FORKSERVER_SOCKET_ENV];
  if (socketPath) {
    try {
      return await forkFrom(socketPath, configPath, dataDir, stdioLog);
    } catch (err) {
      // The fork server is only a faster start: without it the server is spawned as before.
      console.error(`synapse harness: the fork server at ${socketPath} could not start a Synapse (${String(err)}); spawning one`);
    }
  }
  return spawnSynapse(python, configPath, dataDir, stdioLog);
}

function spawnSynapse(python: string, configPath: string, dataDir: string, stdioLog: string): Promise<SynapseProcess> {
  const out = openSync(stdioLog, 'a');
  try {
    const child = spawn(python, ['-m', 'synapse.app.homeserver', '-c', configPath], {
      cwd: dataDir,
      stdio: ['ignore', out, out],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    // A test that forgets stop() should not keep Node alive forever; the harness's exit hook still kills it.
    child.unref();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    return new Promise((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`Could not spawn Synapse: ${err.message}`)));
      child.once('spawn', () => resolve({
        pid: child.pid!,
        exited,
        kill: (signal) => child.kill(signal),
        gone: () => child.exitCode !== null || child.signalCode !== null,
      }));
    });
  } finally {
    closeSync(out);
  }
}

async function forkFrom(socketPath: string, configPath: string, dataDir: string, stdioLog: string): Promise<SynapseProcess> {
  const answer = await new Promise<string>((resolve, reject) => {
    const conn = connect(socketPath);
    let text = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => { text += chunk; });
    conn.on('end', () => resolve(text));
    conn.on('error', reject);
    conn.setTimeout(10_000, () => conn.destroy(new Error('no answer within 10 s')));
    conn.end(JSON.stringify({ config: configPath, cwd: dataDir, log: stdioLog }) + '\n');
  });
  const reply = JSON.parse(answer || '{}') as { pid?: unknown; error?: unknown };
  if (typeof reply.pid !== 'number') throw new Error(typeof reply.error === 'string' ? reply.error : `unexpected answer ${JSON.stringify(answer)}`);
  const pid = reply.pid;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  let goneFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const timer = setInterval(() => {
      if (alive()) return;
      goneFlag = true;
      clearInterval(timer);
      resolve({ code: null, signal: null });
    }, FORKED_POLL_MS);
    // Only watching: it must not keep a test file's process alive.
    timer.unref();
  });
  return {
    pid,
    exited,
    kill(signal) {
      if (goneFlag) return false;
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    gone: () => goneFlag || !alive(),
  };
}
