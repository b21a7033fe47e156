/**
 * What the room list's browser tests start from (roomlist-ui and room-entry-ui in test/e2e/): Synapse, the web host
 * and Chromium with one page (web-ui.ts); Alice, who signs in to Lattice (not signed in yet: that is the tests'), and
 * Bob, a peer over the homeserver API, who made her rooms: Team Room with three messages from him, six side rooms
 * (enough that the Ctrl+K switcher's list scrolls on a short window), Leave Me with a message from him, Old Room (to be
 * upgraded) with one, a public room at #plaza, a knock room, a quiet room with no message yet; and, still to answer,
 * invitations to Accept Me, Decline Me, a DM, two spaces (one holding Team Room, one Leave Me) and a room with a very
 * long name. One place, so each file starts from the same rooms whichever runs first, or alone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { MatrixPeer } from './matrix-peer.ts';
import type { SynapseServer, TestUser } from './synapse.ts';
import { ARTIFACTS as ALL_ARTIFACTS, startWebUiWith, type WebHost, type WebUi } from './web-ui.ts';

/**
 * Where both files keep their screenshots (with LATTICE_SHOTS=1), beside web-ui.test.ts's: importing them from that
 * file would run its suite here too.
 */
export const ARTIFACTS = path.join(ALL_ARTIFACTS, 'ui');

export interface RoomListFixture {
  ui: WebUi;
  hs: SynapseServer;
  host: WebHost;
  context: BrowserContext;
  page: Page;
  alice: TestUser;
  /** Alice over the homeserver API, beside her Lattice: for what the tests set up or read back as her. */
  alicePeer: MatrixPeer;
  bob: MatrixPeer;
  team: string;
  acceptMe: string;
  declineMe: string;
  dmInvite: string;
  longInvite: string;
  spaceInvite: string;
  previewedSpace: string;
  quietRoom: string;
  leaveMe: string;
  knockRoom: string;
  oldRoom: string;
  /** The room list's row of the room `roomId`. */
  item: (roomId: string) => Locator;
  /** The open room's header, once it names `name`. */
  header: (name: string) => Locator;
  /** The room menu, wherever it was opened from. */
  menu: () => Locator;
  /** Opens the room menu of `roomId`'s row with a right click. */
  openMenuByRightClick: (roomId: string) => Promise<void>;
}

/** Starts the homeserver, the web host and the browser (`name` names the host's data folder) and makes the rooms. */
export async function startRoomListFixture(name: string): Promise<RoomListFixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return startWebUiWith(name, makeRooms);
}

async function createRoom(by: MatrixPeer, body: Record<string, unknown>): Promise<string> {
  return (await by.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
}

async function makeRooms(ui: WebUi): Promise<RoomListFixture> {
  const { hs, host, context, page } = ui;
  const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
  const alicePeer = new MatrixPeer(hs.baseUrl, alice);
  const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
  await hs.disableRateLimits(bob.userId);
  const team = await bob.createRoom({ name: 'Team Room', invite: [alice.userId] });
  await alicePeer.join(team);
  for (let i = 1; i <= 3; i++) await bob.sendText(team, `team message ${i}`);
  // Enough rooms that the switcher's list scrolls on a short window.
  for (let i = 1; i <= 6; i++) await alicePeer.join(await bob.createRoom({ name: `Side Room ${i}`, invite: [alice.userId] }));
  const leaveMe = await bob.createRoom({ name: 'Leave Me', invite: [alice.userId] });
  await alicePeer.join(leaveMe);
  await bob.sendText(leaveMe, 'a room to leave');
  const oldRoom = await createRoom(bob, { name: 'Old Room', preset: 'public_chat' });
  await alicePeer.join(oldRoom);
  await bob.sendText(oldRoom, 'said in the old room');
  await createRoom(bob, { name: 'Open Plaza', preset: 'public_chat', room_alias_name: 'plaza', topic: 'Everyone welcome' });
  const knockRoom = await createRoom(bob, {
    name: 'Knock Knock', room_version: '10', preset: 'private_chat',
    initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
  });
  const acceptMe = await bob.createRoom({ name: 'Accept Me', invite: [alice.userId] });
  const declineMe = await bob.createRoom({ name: 'Decline Me', invite: [alice.userId] });
  const dmInvite = await bob.createRoom({ invite: [alice.userId], isDirect: true });
  const spaceInvite = await bob.createRoom({ name: 'Team Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
  await bob.setState(spaceInvite, 'm.space.child', team, { via: [hs.serverName] });
  const previewedSpace = await bob.createRoom({ name: 'Design Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
  await bob.setState(previewedSpace, 'm.space.child', leaveMe, { via: [hs.serverName] });
  const quietRoom = await bob.createRoom({ name: 'Quiet Room', invite: [alice.userId] });
  await alicePeer.join(quietRoom);
  const longInvite = await bob.createRoom({ name: `Quarterly planning ${'and-budget-review-'.repeat(6)}final`, invite: [alice.userId] });

  const item = (roomId: string): Locator => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`);
  const menu = (): Locator => page.getByTestId('room-menu');
  return {
    ui, hs, host, context, page, alice, alicePeer, bob,
    team, acceptMe, declineMe, dmInvite, longInvite, spaceInvite, previewedSpace, quietRoom, leaveMe, knockRoom,
    oldRoom,
    item,
    header: (name) => page.getByTestId('room-header').filter({ hasText: name }),
    menu,
    async openMenuByRightClick(roomId) {
      await item(roomId).click({ button: 'right' });
      await menu().waitFor();
    },
  };
}
