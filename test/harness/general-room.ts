/**
 * What the backend's tests against a real Synapse (backend-session and backend-homeserver-failures in
 * test/integration/) start from: a fresh Synapse with Alice, whom the backend signs in as (`alice` is her other device,
 * acting through the homeserver API), and Bob, a peer over the homeserver API, who made General, invited Alice (she
 * joined) and welcomed her there. One place, so each file starts from the same server, whichever runs alone.
 */
import type { SyncComplete } from '../../src/shared/rpc/index.ts';
import { MatrixPeer } from './matrix-peer.ts';
import { startSynapse, type SynapseServer, type TestUser } from './synapse.ts';

export interface GeneralRoom {
  hs: SynapseServer;
  aliceUser: TestUser;
  /** Alice's other device, acting through the homeserver API. */
  alice: MatrixPeer;
  bob: MatrixPeer;
  /** General's room ID. */
  general: string;
}

export async function startGeneralRoom(): Promise<GeneralRoom> {
  const hs = await startSynapse();
  try {
    const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    const alice = new MatrixPeer(hs.baseUrl, aliceUser);
    const general = await bob.createRoom({ name: 'General', invite: [aliceUser.userId] });
    await alice.join(general);
    await bob.sendText(general, 'welcome to General');
    return { hs, aliceUser, alice, bob, general };
  } catch (err) {
    // The caller's after() never learns of a server it was not handed.
    await hs.stop();
    throw err;
  }
}

/** A sync_complete predicate: the diff carries a message with this body in this room. */
export const hasMessage = (roomId: string, body: string) => (d: SyncComplete): boolean =>
  !!d.rooms?.[roomId]?.events?.some((e) => e.content.body === body);
