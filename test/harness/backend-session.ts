/**
 * A Backend in this process, signed in to a test homeserver, with a frontend attached: for integration tests that
 * need the Backend object itself (its host-facing methods) beside the RPC. The token is kept in memory, since
 * these tests are about what the backend does with Matrix, not about keychains.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Backend, type BackendOptions } from '../../src/main/backend/backend.ts';
import type { DataPaths } from '../../src/main/backend/paths.ts';
import { RpcTestClient } from './rpc-test-client.ts';
import { MemorySecrets } from './memory-secrets.ts';

export interface BackendSession {
  backend: Backend;
  client: RpcTestClient;
  paths: DataPaths;
  stop(): Promise<void>;
}

export type BackendSessionOptions = Pick<BackendOptions, 'uploadRoots' | 'fetch' | 'sync' | 'encryptionRecheckMs'>;

/** Starts a backend in a fresh folder, not signed in, with a frontend attached. */
export async function startBackend(options: BackendSessionOptions = {}): Promise<BackendSession> {
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-session-'));
  const paths: DataPaths = { config: path.join(root, 'config'), data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: path.join(root, 'logs') };
  const backend = await Backend.create({ paths, secrets: { store: new MemorySecrets() }, ...options });
  const client = RpcTestClient.inProcess(backend);
  const stop = async () => {
    client.close();
    await backend.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { backend, client, paths, stop };
}

/** Starts a backend in a fresh folder, logs `username` in and waits until its first sync is stored. */
export async function signedInBackend(homeserverUrl: string, username: string, password: string,
  options: BackendSessionOptions = {}): Promise<BackendSession> {
  const session = await startBackend(options);
  const { client } = session;
  try {
    // A frontend connecting without a session gets init_complete at once; the one owed after login comes later.
    await client.waitForEvent('init_complete');
    const since = client.mark();
    await client.request('login', { homeserver_url: homeserverUrl, username, password });
    await client.waitForEvent('init_complete', () => true, 60_000, since);
  } catch (e) {
    await session.stop();
    throw e;
  }
  return session;
}
