/**
 * The backend's worker thread: builds the Backend and multiplexes the host's connections onto it. Loaded only as
 * a Worker script, so the work it does on load is its purpose.
 */
import { errorMessage } from '../../shared/error-message.ts';
import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Backend } from '../backend/backend.ts';
import { createLogger, type LogRecord } from '../backend/log/logger.ts';
import type { BackendConnection } from '../backend/rpc/connection.ts';
import type { Envelope } from '../../shared/rpc/index.ts';
import { SystemProxy, useSystemProxy } from '../backend/matrix/system-proxy.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';
import type { FromWorker, HostServices, ToWorker, WorkerOptions, WorkerServices } from './worker-protocol.ts';
import { EnvelopeSerializer, type EnvelopeWire } from './serialized-envelope.ts';
import { WorkerRpc } from './worker-rpc.ts';

export async function runWorker(port: MessagePort, opts: WorkerOptions): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  // The host owns the log files; records travel to it.
  const logger = createLogger({ level: opts.logLevel, sinks: [{ write: (record: LogRecord) => post({ t: 'log', record }) }] });
  let backend: Backend | undefined;
  let started: Promise<Backend | undefined> = Promise.resolve(undefined);
  const rpc = new WorkerRpc<HostServices, WorkerServices>(port, {
    'media.fetch': async (req) => {
      const b = await started;
      if (!b) throw new Error('the backend did not start');
      const res = await b.fetchMedia(req);
      // A copy of its own, so the bytes can be moved (not copied) to the host thread below.
      return { ...res, body: new Uint8Array(res.body) };
    },
    'media.upload': async ({ uploadId, file, params }) => {
      const b = await started;
      if (!b) throw new Error('the backend did not start');
      const data = await readFile(file);
      // A browser's generic type says nothing; the bytes or the file name then say what it is.
      const contentType = params.contentType && !/^application\/octet-stream\b/i.test(params.contentType) ? params.contentType : undefined;
      return b.uploadMedia(data, {
        filename: params.filename ?? 'upload', contentType, encrypt: params.encrypt, voiceMessage: params.voice_message,
        forceFile: params.force_file, voice: { duration: params.duration, waveform: params.waveform },
        ...(params.encode_to ? { reencode: {
          encodeTo: params.encode_to, width: params.resize_width, height: params.resize_height,
          percent: params.resize_percent, quality: params.quality,
        } } : {}),
        onProgress: (sent, total) => {
          // Progress is a courtesy: a host that cannot be told does not stop the upload.
          rpc.request('media.upload-progress', { uploadId, fraction: total > 0 ? sent / total : 1 }).catch(() => undefined);
        },
      });
    },
    'media.upload-limit': async () => (await (await started)?.maxUploadBytes()) ?? null,
    'shutdown': async () => {
      await (await started)?.close();
      return null;
    },
  }, { 'media.fetch': (res) => (res.body.buffer instanceof ArrayBuffer ? [res.body.buffer] : []) });

  const info = opts.secrets;
  const secrets: { store: SecretStore } | { error: string } = info.ok ? {
    store: {
      kind: info.kind,
      description: info.description,
      get: (key) => rpc.request('secret.get', { key }),
      set: async (key, value) => { await rpc.request('secret.set', { key, value }); },
      delete: async (key) => { await rpc.request('secret.delete', { key }); },
    },
  } : { error: info.error };

  // Before the backend starts: resuming a session already makes homeserver calls.
  if (opts.systemProxy) {
    useSystemProxy(new SystemProxy((url) => rpc.request('proxy.resolve', { url }), { log: (m) => logger.warn(m) }));
  }

  const serializer = new EnvelopeSerializer();
  const send = (conn: number, env: Envelope) => {
    let wire: EnvelopeWire;
    try {
      wire = serializer.serialize(env);
    } catch (e) {
      logger.error(`dropping unserializable ${env.command}: ${errorMessage(e)}`, { request_id: env.request_id });
      // A request still deserves an answer, or the frontend would wait for it forever.
      if (typeof env.request_id !== 'number' || env.request_id <= 0) return;
      wire = { command: 'error', request_id: env.request_id, data: JSON.stringify('internal error: the response could not be serialized') };
    }
    post({ t: 'msg', conn, env: wire });
  };
  const conns = new Map<number, BackendConnection>();
  // Connections can open while the backend is still starting; they are served once it exists.
  const early: ToWorker[] = [];
  const handle = (m: ToWorker) => {
    if (rpc.receive(m)) return;
    if (!backend) { early.push(m); return; }
    switch (m.t) {
      case 'open': conns.set(m.conn, backend.connect((env) => send(m.conn, env))); break;
      case 'msg': conns.get(m.conn)?.receive(m.env); break;
      case 'close': conns.get(m.conn)?.close(); conns.delete(m.conn); break;
      case 'rpc-request': case 'rpc-reply': break; // taken by rpc.receive above
      default: { const never: never = m; void never; }
    }
  };
  port.on('message', handle);
  port.on('close', () => rpc.close('the host thread went away'));
  started = Backend.create({ paths: opts.paths, secrets, logger, sender: opts.sender, serverSupportWithinMs: opts.serverSupportWithinMs }).then((b) => b, (e: unknown) => {
    post({ t: 'fatal', error: `could not start the backend: ${errorMessage(e)}` });
    return undefined;
  });
  backend = await started;
  if (!backend) return;
  post({ t: 'ready' });
  for (const m of early.splice(0)) handle(m);
}

if (!isMainThread && parentPort) void runWorker(parentPort, workerData as WorkerOptions);
