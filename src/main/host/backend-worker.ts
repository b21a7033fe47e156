/**
 * Runs the backend in a worker thread and lets any number of frontends connect to it. Decryption or a big
 * initial sync then never blocks the thread that serves windows or sockets.
 */
import { Worker } from 'node:worker_threads';
import type { MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import type { DataPaths } from '../backend/paths.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../backend/rpc/connection.ts';
import { openSecretStore, secretNamespace } from '../backend/secrets/open-secret-store.ts';
import type { SafeStorageProxy } from '../backend/secrets/safe-storage-store.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';
import type { FromWorker, SecretOp, SecretStoreInfo, ToWorker, WorkerOptions } from './worker-protocol.ts';

/** What the Electron main thread offers (its safeStorage). */
export interface HostSafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(s: string): Uint8Array;
  decryptString(b: Uint8Array): string;
}

export interface BackendWorkerOptions {
  paths: DataPaths;
  /** The user explicitly allowed secrets in a 0600 file when no OS keychain works. */
  insecureSecretsFile?: boolean;
  safeStorage?: HostSafeStorage;
  log?: (msg: string) => void;
}

export class BackendWorker implements BackendHost {
  private readonly worker: Worker;
  private readonly secrets: SecretStore | undefined;
  private readonly sinks = new Map<number, EnvelopeSink>();
  private nextConn = 1;
  private readonly mediaWaiters = new Map<number, (res: MediaResponse) => void>();
  private nextMediaId = 1;
  private stopped: Promise<void> | null = null;
  /** Called if the worker dies unexpectedly, with the reason in words. */
  onFatal: (error: string) => void = (e) => console.error(`lattice: backend stopped: ${e}`);

  private constructor(worker: Worker, secrets: SecretStore | undefined) {
    this.worker = worker;
    this.secrets = secrets;
  }

  static async start(opts: BackendWorkerOptions): Promise<BackendWorker> {
    let secrets: SecretStore | undefined;
    let info: SecretStoreInfo;
    try {
      secrets = await openSecretStore({
        namespace: secretNamespace(opts.paths.data),
        dataDir: opts.paths.data,
        safeStorage: opts.safeStorage && adaptSafeStorage(opts.safeStorage),
        insecureFileFallback: opts.insecureSecretsFile,
        log: opts.log,
      });
      info = { ok: true, kind: secrets.kind, description: secrets.description };
    } catch (e) {
      // The backend still starts (the UI must be able to say what is wrong); it just refuses to log in.
      info = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }

    const self = import.meta.url;
    const entry = new URL(self.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', self);
    const worker = new Worker(entry, {
      workerData: { paths: opts.paths, secrets: info } satisfies WorkerOptions,
      // V8's default young generation for a thread is sized for throughput; sync objects outlive it anyway.
      // 8 MB cuts the peak RSS of a large sync by about 90 MB, at no CPU cost measurable in npm run bench.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    const bw = new BackendWorker(worker, secrets);
    // Attached before 'ready': opening the backend already reads the access token.
    worker.on('message', (m: FromWorker) => bw.onMessage(m));
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.t === 'ready') { worker.off('message', onMsg); worker.off('error', reject); resolve(); }
        else if (m.t === 'fatal') reject(new Error(m.error));
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

  /** Media for the renderer, fetched by the backend with the account's token (see src/shared/rpc/media.ts). */
  fetchMedia(req: MediaRequest): Promise<MediaResponse> {
    if (this.stopped) {
      return Promise.resolve({ status: 503, contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode('backend stopped'), error: 'backend stopped' });
    }
    const id = this.nextMediaId++;
    return new Promise((resolve) => {
      this.mediaWaiters.set(id, resolve);
      this.post({ t: 'media', id, req });
    });
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
    else if (m.t === 'media-reply') { this.mediaWaiters.get(m.id)?.(m.res); this.mediaWaiters.delete(m.id); }
    else if (m.t === 'fatal' && this.stopped === null) this.onFatal(m.error);
    else if (m.t === 'secret') void this.answerSecret(m.id, m.op, m.key, m.value);
  }

  private async answerSecret(id: number, op: SecretOp, key: string, value: string | undefined): Promise<void> {
    try {
      const s = this.secrets;
      if (!s) throw new Error('no secret store is available');
      let result: string | null = null;
      if (op === 'get') result = await s.get(key);
      else if (op === 'set' && typeof value === 'string') await s.set(key, value);
      else if (op === 'delete') await s.delete(key);
      else throw new Error(`bad secret request ${op}`);
      this.post({ t: 'secret-reply', id, ok: true, value: result });
    } catch (e) {
      this.post({ t: 'secret-reply', id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

function adaptSafeStorage(ss: HostSafeStorage): SafeStorageProxy {
  return {
    isAvailable: async () => ss.isEncryptionAvailable(),
    encrypt: async (s) => ss.encryptString(s),
    decrypt: async (b) => ss.decryptString(b),
  };
}
