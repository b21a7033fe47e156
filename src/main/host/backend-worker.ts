/**
 * Runs the backend in a worker thread and lets any number of frontends connect to it. Decryption or a big
 * initial sync then never blocks the thread that serves windows or sockets.
 */
import { errorMessage } from '../../shared/error-message.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MediaMessageContent } from '../../shared/rpc/commands.ts';
import type { MediaRequest, MediaResponse } from '../../shared/rpc/index.ts';
import { createLogger, type Logger } from '../backend/log/logger.ts';
import { stderrSink } from '../backend/log/open-log.ts';
import type { DataPaths } from '../backend/paths.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../backend/rpc/connection.ts';
import { PRIVATE_DIR } from '../backend/private-files.ts';
import { openSecretStore, secretNamespace } from '../backend/secrets/open-secret-store.ts';
import type { SafeStorageProxy } from '../backend/secrets/safe-storage-store.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';
import type { SenderTiming } from '../backend/send/sender.ts';
import type {
  FromWorker, HostServices, SecretStoreInfo, ToWorker, WorkerOptions, WorkerServices,
} from './worker-protocol.ts';
import type { UploadParams } from './upload-core.ts';
import { envelopeFromWire } from './serialized-envelope.ts';
import { WorkerRpc } from './worker-rpc.ts';

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
  /** Where this thread's and the worker's records go (default: warnings and errors on stderr). */
  logger?: Logger;
  /**
   * The system's proxies for a URL, in PAC form (the desktop app: Chromium's `session.resolveProxy`). Without it,
   * the worker reads proxies from the environment only.
   */
  resolveProxy?: (url: string) => Promise<string>;
  /** Outbox retry timing (tests shorten it; the app keeps the sender's own). */
  sender?: SenderTiming;
  /** How long get_server_support waits for another server (the app keeps its 10 s; a test of a silent one shortens it). */
  serverSupportWithinMs?: number;
}

const STOPPED = 'the backend has stopped';
/** The worker's heap limit (see the Worker's resourceLimits below). */
const WORKER_OLD_GENERATION_MB = 1536;
/**
 * Where Node keeps V8's compiled code for the worker's modules (its bundle and the packages it imports), inside the
 * app's cache folder: a later start of the worker reads it instead of compiling them again. Measured with the bench's
 * bundle (about 500 KB plus its packages; 2 MB of cache), starting and stopping BackendWorker on one data folder, 8
 * times each way interleaved: a start that finds the cache takes about 45 ms less CPU (medians 240 -> 194 ms), the
 * very first start about 35 ms more (278 -> 314 ms) while it writes the cache. Node checks each entry against the
 * source's hash and its own and V8's versions and ignores one that does not match (after an update, say): it is only
 * a cache. NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE in the app's environment still decide, as for any Node
 * program.
 */
const COMPILE_CACHE_DIR = 'compile-cache';

/**
 * The worker's environment: the app's, with Node's compile cache in the cache folder (see COMPILE_CACHE_DIR). The
 * folders are created first, private as the backend creates them (Node would make them readable by others; it
 * writes its files 0600 but the folder per Node version inside with the umask's mode); an existing
 * one is left for the backend to check and tighten, and one that cannot be created means no compile cache (the
 * backend then says what is wrong with the folder).
 */
function workerEnv(paths: DataPaths): NodeJS.ProcessEnv {
  if (process.env.NODE_COMPILE_CACHE !== undefined) return { ...process.env };
  const dir = path.join(paths.cache, COMPILE_CACHE_DIR);
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  } catch {
    return { ...process.env };
  }
  return { ...process.env, NODE_COMPILE_CACHE: dir };
}

export class BackendWorker implements BackendHost {
  private readonly worker: Worker;
  private readonly rpc: WorkerRpc<WorkerServices, HostServices>;
  private readonly sinks = new Map<number, EnvelopeSink>();
  private nextConn = 1;
  private readonly uploadProgress = new Map<number, (fraction: number) => void>();
  private nextUpload = 1;
  private stopped: Promise<void> | null = null;
  /** Called if the worker dies unexpectedly, with the reason in words. */
  onFatal: (error: string) => void = (e) => console.error(`lattice: backend stopped: ${e}`);

  private constructor(worker: Worker, secrets: SecretStore | undefined, logger: Logger, resolveProxy: BackendWorkerOptions['resolveProxy']) {
    this.worker = worker;
    const store = (): SecretStore => {
      if (!secrets) throw new Error('no secret store is available');
      return secrets;
    };
    this.rpc = new WorkerRpc<WorkerServices, HostServices>(worker, {
      'secret.get': ({ key }) => store().get(key),
      'secret.set': async ({ key, value }) => { await store().set(key, value); return null; },
      'secret.delete': async ({ key }) => { await store().delete(key); return null; },
      'media.upload-progress': ({ uploadId, fraction }) => { this.uploadProgress.get(uploadId)?.(fraction); return null; },
      'proxy.resolve': ({ url }) => {
        if (!resolveProxy) throw new Error('this host has no system proxy settings');
        return resolveProxy(url);
      },
    });
    // Attached before 'ready': opening the backend already reads the access token.
    worker.on('message', (m: FromWorker) => {
      if (this.rpc.receive(m)) return;
      switch (m.t) {
        case 'msg': this.sinks.get(m.conn)?.(envelopeFromWire(m.env)); break;
        case 'log': logger.write(m.record); break;
        case 'fatal': if (this.stopped === null) this.onFatal(m.error); break;
        case 'ready': case 'rpc-request': case 'rpc-reply': break;
        default: { const never: never = m; void never; }
      }
    });
    worker.on('exit', () => this.rpc.close(STOPPED));
  }

  static async start(opts: BackendWorkerOptions): Promise<BackendWorker> {
    const logger = opts.logger ?? createLogger({ level: 'warn', sinks: [stderrSink] });
    let secrets: SecretStore | undefined;
    let info: SecretStoreInfo;
    try {
      secrets = await openSecretStore({
        namespace: secretNamespace(opts.paths.data),
        dataDir: opts.paths.data,
        safeStorage: opts.safeStorage && adaptSafeStorage(opts.safeStorage),
        insecureFileFallback: opts.insecureSecretsFile,
        log: (m) => logger.info(m),
      });
      info = { ok: true, kind: secrets.kind, description: secrets.description };
    } catch (e) {
      // The backend still starts (the UI must be able to say what is wrong); it just refuses to log in.
      // (The backend logs the reason once it starts.)
      info = { ok: false, error: errorMessage(e) };
    }

    const self = import.meta.url;
    const entry = new URL(self.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', self);
    const workerData: WorkerOptions = { paths: opts.paths, secrets: info, logLevel: logger.level, systemProxy: opts.resolveProxy !== undefined,
      sender: opts.sender, serverSupportWithinMs: opts.serverSupportWithinMs };
    const worker = new Worker(entry, {
      workerData,
      // Node enables its compile cache in a worker from the worker's environment (module.enableCompileCache would
      // come too late: an ES module's imports are all compiled before its first line runs).
      env: workerEnv(opts.paths),
      // V8's default young generation for a thread is sized for throughput; sync objects outlive it anyway.
      // 8 MB cuts the peak RSS of a large sync by about 90 MB. It is not free: in npm run bench (4 interleaved
      // rounds on a loaded machine, session 18) 16 MB took 5% less CPU time (8.15 -> 7.70 s) for 8 MiB more peak
      // RSS (180 -> 188 MiB), 24 MB 12% less for 17 MiB more; kept at 8 for issue 10's bound of 200 MiB, which
      // some rounds at 8 MB already come near (174-199 MiB).
      // The old generation's limit also sets how far V8 lets the heap grow past what survived the last full
      // collection: up to 4x with the default limit (about 4 GB on a large machine), less and less below 2 GB. The
      // worker keeps little alive between sync responses (about 30 MB; SQLite and the crypto engine's memory are
      // outside the heap), so with 1.5 GB its heap stays near 50 MB while catching up instead of 100 MB
      // (test/bench/rss-trace.ts). Beyond the limit the worker stops with an out-of-memory error (the host reports
      // it like any other fatal error); a heap of 1.5 GB is about 50 times what this benchmark's catching up keeps.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB },
    });
    const bw = new BackendWorker(worker, secrets, logger, opts.resolveProxy);
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.t === 'ready') { worker.off('message', onMsg); worker.off('error', reject); resolve(); }
        else if (m.t === 'fatal') reject(new Error(m.error));
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    worker.on('error', (e) => bw.onFatal(errorMessage(e)));
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
  async fetchMedia(req: MediaRequest): Promise<MediaResponse> {
    try {
      if (this.stopped) throw new Error(STOPPED);
      return await this.rpc.request('media.fetch', req);
    } catch (e) {
      // Media requests always get a response (the renderer shows it as a broken image), never a hang or a throw.
      const error = errorMessage(e);
      return { status: 503, contentType: 'text/plain; charset=utf-8', body: new TextEncoder().encode(error), error };
    }
  }

  /**
   * The hosts' upload routes (upload-core.ts): the worker's backend uploads the file at `file` (the caller
   * deletes it afterwards) and answers with the content to send; `onProgress` follows it from 0 to 1.
   */
  async uploadMedia(params: UploadParams, file: string, onProgress: (fraction: number) => void): Promise<MediaMessageContent> {
    if (this.stopped) throw new Error(STOPPED);
    const uploadId = this.nextUpload++;
    this.uploadProgress.set(uploadId, onProgress);
    try {
      return await this.rpc.request('media.upload', { uploadId, file, params });
    } finally {
      this.uploadProgress.delete(uploadId);
    }
  }

  /** The homeserver's upload limit in bytes (undefined: it names none, or nobody is logged in). */
  async maxUploadBytes(): Promise<number | undefined> {
    if (this.stopped) throw new Error(STOPPED);
    return (await this.rpc.request('media.upload-limit', null)) ?? undefined;
  }

  /** Stops the sync loop, closes the database and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const end = () => { clearTimeout(timer); void this.worker.terminate().then(() => resolve()); };
      const timer = setTimeout(end, 10_000);
      // Whether the backend closed cleanly or not, the thread ends (a failure was the worker's to log).
      void this.rpc.request('shutdown', null).then(end, end);
    });
    return this.stopped;
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}

function adaptSafeStorage(ss: HostSafeStorage): SafeStorageProxy {
  return {
    isAvailable: async () => ss.isEncryptionAvailable(),
    encrypt: async (s) => ss.encryptString(s),
    decrypt: async (b) => ss.decryptString(b),
  };
}
