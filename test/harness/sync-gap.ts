/**
 * A world for tests of what a sync gap loses: Synapse behind a loopback proxy, Alice's backend signed in through
 * it, Bob (rate limits off) in a room with her. `inGap` holds Alice's /sync while something happens, so the sync
 * that follows is limited (its timeline carries only the last 50 events) and the events before fall into the gap:
 * stored by Lattice only if it fetches them later.
 */
import type { SyncComplete } from '../../src/shared/rpc/index.ts';
import { signedInBackend, type BackendSession } from './backend-session.ts';
import { startProxy, type TestProxy } from './http-proxy.ts';
import { MatrixPeer } from './matrix-peer.ts';
import { startSynapse, type SynapseServer } from './synapse.ts';

const SYNC = /\/v3\/sync\b/;
const WAIT = 30_000;
/** More events than a sync's timeline holds (50): the ones before the last 50 fall into the gap. */
export const GAP = 60;

export interface SyncGapWorld {
  hs: SynapseServer;
  proxy: TestProxy;
  /** Alice's backend, through the proxy. */
  s: BackendSession;
  alicePeer: MatrixPeer;
  bob: MatrixPeer;
  /** Bob's room, Alice joined. */
  room: string;
  /**
   * Holds Alice's /sync while `act` runs, then lets it go and waits for the diff that carries the event whose ID
   * `act` returns (in `roomId`, by default the room).
   */
  inGap(act: () => Promise<string>, roomId?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startSyncGapWorld(roomName: string): Promise<SyncGapWorld> {
  const hs = await startSynapse();
  const proxy = await startProxy(hs.baseUrl);
  const aliceUser = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
  const alicePeer = new MatrixPeer(hs.baseUrl, aliceUser);
  const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
  await hs.disableRateLimits(bob.userId);
  const room = await bob.createRoom({ name: roomName, invite: [aliceUser.userId] });
  await alicePeer.join(room);
  const s = await signedInBackend(proxy.url, 'alice', 'alice-password');
  return {
    hs, proxy, s, alicePeer, bob, room,
    async inGap(act, roomId = room) {
      proxy.hold(SYNC);
      await proxy.held();
      const last = await act();
      const mark = s.client.mark();
      proxy.release();
      await s.client.waitForEvent('sync_complete', (d: SyncComplete) => !!d.rooms?.[roomId]?.events?.some((e) => e.event_id === last), WAIT, mark);
    },
    async stop() {
      await s.stop();
      await proxy.close();
      await hs.stop();
    },
  };
}

/** Sends `peer`'s edit of `target` in `room`, making its text `body`; returns the edit's event ID. */
export function sendEdit(peer: MatrixPeer, room: string, target: string, body: string): Promise<string> {
  return peer.sendEvent(room, 'm.room.message', {
    msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body },
    'm.relates_to': { rel_type: 'm.replace', event_id: target },
  });
}
