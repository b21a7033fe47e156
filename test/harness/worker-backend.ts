/**
 * The backend as the app runs it, in its worker thread on a data folder of its own, with a test frontend attached;
 * and the temporary folders a test file hands out and removes at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker } from '../../src/main/host/backend-worker.ts';
import { RpcTestClient } from './rpc-test-client.ts';

export interface WorkerBackend {
  worker: BackendWorker;
  client: RpcTestClient;
  stop(): Promise<void>;
}

/** Starts the backend worker on `root` (a fresh folder, or one a stopped backend left, to test a restart). */
export async function startWorkerBackend(root: string): Promise<WorkerBackend> {
  const worker = await BackendWorker.start({ paths: resolveDataPaths({ LATTICE_ROOT: root }) });
  const client = RpcTestClient.inProcess(worker);
  return { worker, client, async stop() { client.close(); await worker.stop(); } };
}

/** Temporary folders, named after the test file's subject, all removed by `removeAll` in its `after`. */
export class TempRoots {
  private readonly roots: string[] = [];
  private readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }

  make(): string {
    const d = mkdtempSync(path.join(tmpdir(), `lattice-${this.prefix}-`));
    this.roots.push(d);
    return d;
  }

  removeAll(): void {
    for (const r of this.roots.splice(0)) rmSync(r, { recursive: true, force: true });
  }
}
