/**
 * A backend signed in to a test Synapse, for command tests: the backend in its worker thread (as in the app), a
 * test frontend on it, and `call`, which sends a command and checks the answer against gomuks' wire schema for
 * that command (test/wire/gomuks-commands.ts) before handing it back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';
import { BackendWorker, type BackendWorkerOptions } from '../../src/main/host/backend-worker.ts';
import type { CommandName, CommandParams, CommandResponses } from '../../src/shared/rpc/index.ts';
import { gomuksCommands } from '../wire/gomuks-commands.ts';
import { RpcTestClient } from './rpc-test-client.ts';
import { MatrixPeer } from './matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from './synapse.ts';

export interface CommandSession {
  root: string;
  worker: BackendWorker;
  client: RpcTestClient;
  /** Sends `command`; its answer must match gomuks' response schema for it (where gomuks has the command). */
  call<C extends CommandName>(command: C, data: CommandParams<C>): Promise<CommandResponses[C]>;
  stop(): Promise<void>;
}

/** `options`: the worker's timings a test shortens (e.g. get_server_support's bound, to see a silent server sooner). */
export async function startCommandSession(
  hs: SynapseServer, username: string, password: string, options: Pick<BackendWorkerOptions, 'serverSupportWithinMs'> = {},
): Promise<CommandSession> {
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-cmd-'));
  const worker = await BackendWorker.start({ ...options, paths: resolveDataPaths({ LATTICE_ROOT: root }) });
  const client = RpcTestClient.inProcess(worker);
  assert.equal(await client.request('login', { homeserver_url: hs.baseUrl, username, password }), true);
  await client.waitForEvent('init_complete', () => true, 30_000, false);
  return {
    root, worker, client,
    async call(command, data) {
      const resp = await client.request(command, data);
      const wire = gomuksCommands[command];
      if (wire) {
        const r = wire.response.safeParse(resp);
        assert.ok(r.success, `${command} answered ${JSON.stringify(resp)}, not gomuks' shape: ${r.error?.message}`);
      }
      return resp;
    },
    async stop() {
      client.close();
      await worker.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Alice, signed in to a backend, and Bob, acting through the API, in a room Alice named and Bob joined. */
export interface SharedRoomSession {
  hs: SynapseServer;
  alice: TestUser;
  aliceApi: MatrixPeer;
  bob: MatrixPeer;
  room: string;
  s: CommandSession;
  stop(): Promise<void>;
}

/**
 * The setup most command tests start from: a Synapse, Alice and Bob registered with display names, a room named
 * `roomName` that Alice created and Bob joined, and Alice's backend synced up to the room's name.
 */
export async function startSharedRoomSession(roomName: string): Promise<SharedRoomSession> {
  const hs = await startSynapse();
  let s: CommandSession | undefined;
  try {
    const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const aliceApi = new MatrixPeer(hs.baseUrl, alice);
    const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    const room = await aliceApi.createRoom({ name: roomName, invite: [bob.userId] });
    await bob.join(room);
    const session = s = await startCommandSession(hs, 'alice', 'alice-password');
    await session.client.waitForEvent('sync_complete', (d) => d.rooms?.[room]?.meta?.name === roomName);
    return {
      hs, alice, aliceApi, bob, room, s: session,
      async stop() {
        await session.stop();
        await hs.stop();
      },
    };
  } catch (e) {
    // A half-built fixture must not leave Synapse or the worker running: the test file would never end.
    await s?.stop();
    await hs.stop();
    throw e;
  }
}
