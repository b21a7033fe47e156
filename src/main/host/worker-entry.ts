/**
 * The backend's worker thread: builds the Backend and multiplexes the host's connections onto it. Loaded only as
 * a Worker script, so the work it does on load is its purpose.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { errorMessage } from '../../shared/error-message.ts';
import { Backend } from '../backend/backend.ts';
import type { BackendConnection } from '../backend/rpc/connection.ts';
import type { SecretStore } from '../backend/secrets/secret-store.ts';
import type { FromWorker, SecretOp, ToWorker, WorkerOptions } from './worker-protocol.ts';

export async function runWorker(port: MessagePort, opts: WorkerOptions): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  const pending = new Map<number, { resolve(v: string | null): void; reject(e: Error): void }>();
  let nextId = 1;
  const ask = (op: SecretOp, key: string, value?: string) => new Promise<string | null>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    post({ t: 'secret', id, op, key, value });
  });
  const info = opts.secrets;
  const secretStore: SecretStore | undefined = info.ok ? {
    kind: info.kind,
    description: info.description,
    get: (key) => ask('get', key),
    set: async (key, value) => { await ask('set', key, value); },
    delete: async (key) => { await ask('delete', key); },
  } : undefined;

  const conns = new Map<number, BackendConnection>();
  let backend: Backend | undefined;
  // Connections can open while the backend is still starting; they are served once it exists.
  const early: ToWorker[] = [];
  const handle = (m: ToWorker) => {
    if (m.t === 'secret-reply') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value ?? null); else p?.reject(new Error(m.error ?? 'keychain request failed'));
      return;
    }
    if (!backend) { early.push(m); return; }
    if (m.t === 'open') conns.set(m.conn, backend.connect((env) => post({ t: 'msg', conn: m.conn, env })));
    else if (m.t === 'msg') conns.get(m.conn)?.receive(m.env);
    else if (m.t === 'close') { conns.get(m.conn)?.close(); conns.delete(m.conn); }
    else if (m.t === 'shutdown') void backend.close().finally(() => post({ t: 'stopped' }));
    else if (m.t === 'media') {
      void backend.fetchMedia(m.req).then((res) => {
        // The bytes are moved, not copied, to the host thread.
        const body = new Uint8Array(res.body);
        port.postMessage({ t: 'media-reply', id: m.id, res: { ...res, body } } satisfies FromWorker, [body.buffer]);
      });
    }
  };
  port.on('message', handle);
  try {
    backend = await Backend.create({
      paths: opts.paths,
      secretStore,
      secretStoreError: info.ok ? undefined : info.error,
    });
  } catch (e) {
    post({ t: 'fatal', error: `could not start the backend: ${errorMessage(e)}` });
    return;
  }
  post({ t: 'ready' });
  for (const m of early.splice(0)) handle(m);
}

if (!isMainThread && parentPort) void runWorker(parentPort, workerData as WorkerOptions);
