/**
 * Runs the backend in a worker thread and lets any number of frontends connect to it. Decryption or a big
 * initial sync then never blocks the thread that serves windows or sockets.
 */
import { Worker } from 'node:worker_threads';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../backend/rpc/connection.ts';
import type { FromWorker, SafeStorageOp, ToWorker, WorkerOptions } from './worker-protocol.ts';

/** What the Electron main thread offers the worker (its safeStorage). */
export interface HostSafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(s: string): Uint8Array;
  decryptString(b: Uint8Array): string;
}

export class BackendWorker implements BackendHost {
  private readonly worker: Worker;
  private readonly sinks = new Map<number, EnvelopeSink>();
  private nextConn = 1;
  private stopped: Promise<void> | null = null;
  private readonly safeStorage: HostSafeStorage | undefined;
  /** Called if the worker dies unexpectedly, with the reason in words. */
  onFatal: (error: string) => void = (e) => console.error(`lattice: backend stopped: ${e}`);

  private constructor(worker: Worker, safeStorage: HostSafeStorage | undefined) {
    this.worker = worker;
    this.safeStorage = safeStorage;
  }

  static async start(opts: WorkerOptions, safeStorage?: HostSafeStorage): Promise<BackendWorker> {
    const self = import.meta.url;
    const entry = new URL(self.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', self);
    const worker = new Worker(entry, { workerData: { ...opts, safeStorageAvailable: !!safeStorage } satisfies WorkerOptions });
    const bw = new BackendWorker(worker, safeStorage);
    // Attached before 'ready': opening the secret store may already need the host's safeStorage.
    worker.on('message', (m: FromWorker) => bw.onMessage(m));
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.t === 'ready') { worker.off('message', onMsg); worker.off('error', reject); resolve(); }
        else if (m.t === 'fatal') { reject(new Error(m.error)); }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    worker.on('error', (e) => bw.onFatal(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => { if (!bw.stopped) bw.onFatal(`worker exited with code ${code}`); });
    return bw;
  }

  connect(send: EnvelopeSink): BackendConnection {
    const conn = this.nextConn++;
    this.sinks.set(conn, send);
    this.post({ t: 'open', conn });
    return {
      receive: (raw) => { if (this.sinks.has(conn)) this.post({ t: 'msg', conn, env: raw }); },
      close: () => { if (this.sinks.delete(conn)) this.post({ t: 'close', conn }); },
    };
  }

  /** Stops the sync loop, closes the database and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 10_000);
      this.worker.on('message', (m: FromWorker) => {
        if (m.t === 'stopped') { clearTimeout(timer); void this.worker.terminate().then(() => resolve()); }
      });
      this.post({ t: 'shutdown' });
    });
    return this.stopped;
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'msg') this.sinks.get(m.conn)?.(m.env);
    else if (m.t === 'fatal') this.onFatal(m.error);
    else if (m.t === 'safe-storage') this.answerSafeStorage(m.id, m.op, m.arg);
  }

  private answerSafeStorage(id: number, op: SafeStorageOp, arg: string | Uint8Array | undefined): void {
    const ss = this.safeStorage;
    try {
      if (!ss) throw new Error('safeStorage is not available in this host');
      let value: string | Uint8Array | boolean;
      if (op === 'isAvailable') value = ss.isEncryptionAvailable();
      else if (op === 'encrypt' && typeof arg === 'string') value = ss.encryptString(arg);
      else if (op === 'decrypt' && arg instanceof Uint8Array) value = ss.decryptString(arg);
      else throw new Error(`bad safeStorage request ${op}`);
      this.post({ t: 'safe-storage-reply', id, ok: true, value });
    } catch (e) {
      this.post({ t: 'safe-storage-reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
