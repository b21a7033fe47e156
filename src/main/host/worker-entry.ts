/**
 * The backend's worker thread: builds the Backend and multiplexes the host's connections onto it.
 * Loaded only as a Worker script, so the work it does on load is its purpose.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Backend } from '../backend/backend.ts';
import type { BackendConnection } from '../backend/rpc/connection.ts';
import type { SafeStorageProxy } from '../backend/secrets/safe-storage-store.ts';
import type { FromWorker, SafeStorageOp, ToWorker, WorkerOptions } from './worker-protocol.ts';

export async function runWorker(port: NonNullable<typeof parentPort>, opts: WorkerOptions): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  const pendingSafeStorage = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const askHost = (op: SafeStorageOp, arg?: string | Uint8Array) => new Promise<unknown>((resolve, reject) => {
    const id = nextId++;
    pendingSafeStorage.set(id, { resolve, reject });
    post({ t: 'safe-storage', id, op, arg });
  });
  const safeStorage: SafeStorageProxy | undefined = opts.safeStorageAvailable ? {
    isAvailable: async () => (await askHost('isAvailable')) === true,
    encrypt: async (s) => (await askHost('encrypt', s)) as Uint8Array,
    decrypt: async (b) => (await askHost('decrypt', b)) as string,
  } : undefined;

  const conns = new Map<number, BackendConnection>();
  let backend: Backend | undefined;
  // Messages can arrive while the backend is still opening; handle them only once it exists.
  const early: ToWorker[] = [];
  const handle = (m: ToWorker) => {
    if (m.t === 'safe-storage-reply') {
      const p = pendingSafeStorage.get(m.id);
      pendingSafeStorage.delete(m.id);
      if (m.ok) p?.resolve(m.value); else p?.reject(new Error(m.error ?? 'safeStorage failed'));
      return;
    }
    if (!backend) { early.push(m); return; }
    if (m.t === 'open') conns.set(m.conn, backend.connect((env) => post({ t: 'msg', conn: m.conn, env })));
    else if (m.t === 'msg') conns.get(m.conn)?.receive(m.env);
    else if (m.t === 'close') { conns.get(m.conn)?.close(); conns.delete(m.conn); }
    else if (m.t === 'shutdown') {
      void backend.close().finally(() => post({ t: 'stopped' }));
    }
  };
  port.on('message', handle);
  try {
    backend = await Backend.create({ paths: opts.paths, insecureSecretsFile: opts.insecureSecretsFile, safeStorage });
  } catch (e) {
    post({ t: 'fatal', error: `could not start the backend: ${e instanceof Error ? e.message : String(e)}` });
    return;
  }
  post({ t: 'ready' });
  for (const m of early.splice(0)) handle(m);
}

if (!isMainThread && parentPort) void runWorker(parentPort, workerData as WorkerOptions);
