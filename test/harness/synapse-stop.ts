/**
 * How test Synapses stop: one at a time when its test is done (SIGTERM, then SIGKILL after a grace period), and all
 * that are still running, their data folders with them, when Node goes away without stopping them.
 */

import { rmSync } from 'node:fs';
import type { SynapseProcess } from './synapse-process.ts';

const STOP_GRACE_MS = 5_000;

export async function terminate(child: SynapseProcess): Promise<void> {
  if (child.gone()) return;
  child.kill('SIGTERM');
  // Polled with timers that keep Node running: a forked Synapse is not this process's child, so only its absence
  // says it has gone (synapse-process.ts), and that watch alone would not hold a test's last hook open.
  const deadline = Date.now() + STOP_GRACE_MS;
  while (!child.gone() && Date.now() < deadline) await sleep(25);
  if (!child.gone()) {
    child.kill('SIGKILL');
    while (!child.gone()) await sleep(25);
  }
}

// Children still running when Node goes away would otherwise outlive the test
// run and hold their ports; the hooks are installed on first use, not at import.
const liveChildren = new Map<SynapseProcess, string>();
let hooksInstalled = false;

export function trackChild(child: SynapseProcess, dataDir: string): void {
  liveChildren.set(child, dataDir);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllChildren();
      // Only re-raise when nobody else handles the signal, so default
      // termination still happens as it would have without us.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

export function untrackChild(child: SynapseProcess): void {
  liveChildren.delete(child);
}

function killAllChildren(): void {
  for (const [child, dataDir] of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    if (!process.env.LATTICE_KEEP_SYNAPSE_DATA) {
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // Best effort: the process is going away anyway.
      }
    }
  }
  liveChildren.clear();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
