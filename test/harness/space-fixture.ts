/**
 * What the space home's browser tests start from (space-home-ui and space-manage-ui in test/e2e/): Synapse, the web
 * host and Chromium with one page (web-ui.ts); Alice, who signs in to Lattice (not signed in yet: that is the tests'),
 * and Bob, a peer over the homeserver API, who builds a space for her: Outdoor Club (Alice in it), holding General
 * (Alice in it), the suggested Hiking, a room restricted to the space's members, an invite-only room, a knock room, a
 * sub-space with a room of its own, a room restricted to another space, a room Alice is banned from and more rooms than
 * one page of the hierarchy holds; and beside it a space Alice may not read. The page's websocket goes through a route
 * that lets a test hold back or refuse chosen requests (SpaceFaults), to see a slow or refusing homeserver. One place,
 * so each file builds the same space whichever runs first, or alone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from './matrix-peer.ts';
import type { SynapseServer, TestUser } from './synapse.ts';
import { ARTIFACTS as ALL_ARTIFACTS, startWebUiWith, type WebUi } from './web-ui.ts';

/** Where both files keep their screenshots (with LATTICE_SHOTS=1). */
export const ARTIFACTS = path.join(ALL_ARTIFACTS, 'space-home');
const enc = encodeURIComponent;
/** More rooms than one page of the hierarchy holds, so the home has to page. */
const FILLERS = 24;

/**
 * What the page's requests meet on their way to the web host, set by a test for as long as it needs: the web host
 * never sees a request held or refused here.
 */
export interface SpaceFaults {
  /** While set, the page's get_space_hierarchy requests wait until `release` (a slow homeserver, as the page sees it). */
  holdHierarchy: boolean;
  /** While set, the page's get_space_hierarchy requests are answered with this error (a server that cannot be reached). */
  failHierarchy: string | null;
  /** While set, the page's set_state requests are answered with this error (a homeserver that refuses). */
  failSetState: string | null;
  /** While set, the page's check_alias requests are answered with this error (a homeserver that cannot be asked). */
  failCheckAlias: string | null;
  /** Sends the held requests on, and holds no more. */
  release(): void;
}

export interface SpaceFixture {
  ui: WebUi;
  hs: SynapseServer;
  page: Page;
  alice: TestUser;
  /** Alice over the homeserver API, beside her Lattice: for what the tests set up or read back as her. */
  alicePeer: MatrixPeer;
  bob: MatrixPeer;
  /** Outdoor Club, Bob's space. */
  space: string;
  general: string;
  hiking: string;
  lounge: string;
  board: string;
  knock: string;
  climbing: string;
  bouldering: string;
  hidden: string;
  staff: string;
  quarry: string;
  /** Archive 01 to 24, in the order added to the space. */
  fillers: string[];
  faults: SpaceFaults;
  /** The space home shown. */
  home: () => Locator;
  /** The space home's row of the room `roomId`. */
  row: (roomId: string) => Locator;
  /** The room list's row of the room `roomId`. */
  item: (roomId: string) => Locator;
}

/** Starts the homeserver, the web host and the browser (`name` names the host's data folder) and builds the space. */
export async function startSpaceFixture(name: string): Promise<SpaceFixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return startWebUiWith(name, buildSpace);
}

async function buildSpace(ui: WebUi): Promise<SpaceFixture> {
  const { hs, page } = ui;
  const alice = await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
  const alicePeer = new MatrixPeer(hs.baseUrl, alice);
  const bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
  await hs.disableRateLimits(bob.userId);
  const createRoom = async (body: Record<string, unknown>): Promise<string> =>
    (await bob.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
  /** Makes `child` a child of `parent` (the space's m.space.child state), in the order they are added. */
  const addChild = async (parent: string, child: string, extra: Record<string, unknown> = {}): Promise<void> => {
    await bob.setState(parent, 'm.space.child', child, { via: [hs.serverName], ...extra });
  };

  const space = await createRoom({
    name: 'Outdoor Club', topic: 'Everything outside', preset: 'public_chat', creation_content: { type: 'm.space' },
  });
  await alicePeer.join(space);
  const general = await createRoom({ name: 'General', preset: 'public_chat', topic: 'Say hello' });
  await alicePeer.join(general);
  const hiking = await createRoom({ name: 'Hiking', preset: 'public_chat', topic: 'Trails and trips' });
  const lounge = await createRoom({
    name: 'Members Lounge', room_version: '10', preset: 'private_chat',
    initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: space }] } }],
  });
  // Synapse lists an invite-only room in a hierarchy only when its history is world-readable.
  const board = await createRoom({
    name: 'Board', preset: 'private_chat', topic: 'Decisions',
    initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
  });
  const knock = await createRoom({
    name: 'Knock Knock', room_version: '10', preset: 'private_chat',
    initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
  });
  const climbing = await createRoom({ name: 'Climbing Section', preset: 'public_chat', creation_content: { type: 'm.space' } });
  const bouldering = await createRoom({ name: 'Bouldering', preset: 'public_chat' });
  // Restricted to a space Alice is not in; world-readable, so the hierarchy lists it (and the server says no).
  const otherSpace = await createRoom({ name: 'Staff Space', preset: 'private_chat', creation_content: { type: 'm.space' } });
  const staff = await createRoom({
    name: 'Staff Room', room_version: '10', preset: 'private_chat',
    initial_state: [
      { type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: otherSpace }] } },
      { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } },
    ],
  });
  // Public, but Alice is banned from it: the list offers Join, the server says no.
  const quarry = await createRoom({ name: 'Quarry', preset: 'public_chat' });
  await bob.request('POST', `/_matrix/client/v3/rooms/${enc(quarry)}/ban`, { user_id: alice.userId, reason: 'test' });
  await addChild(space, general);
  await addChild(space, hiking, { suggested: true });
  await addChild(space, lounge);
  await addChild(space, board);
  await addChild(space, knock);
  await addChild(space, climbing);
  await addChild(space, staff);
  await addChild(space, quarry);
  await addChild(climbing, bouldering);
  const fillers: string[] = [];
  for (let i = 1; i <= FILLERS; i++) {
    const id = await createRoom({ name: `Archive ${String(i).padStart(2, '0')}`, preset: 'public_chat' });
    fillers.push(id);
    await addChild(space, id);
  }
  // A space Alice is not in and may not read.
  const hidden = await createRoom({ name: 'Secret Space', preset: 'private_chat', creation_content: { type: 'm.space' } });

  const held: (() => void)[] = [];
  const faults: SpaceFaults = {
    holdHierarchy: false, failHierarchy: null, failSetState: null, failCheckAlias: null,
    release() { faults.holdHierarchy = false; for (const send of held.splice(0)) send(); },
  };
  await page.routeWebSocket(/\/_gomuks\/websocket/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (faults.failSetState !== null && typeof m === 'string' && m.includes('"command":"set_state"')) {
        const { request_id: id } = JSON.parse(m) as { request_id: number };
        ws.send(JSON.stringify({ command: 'error', request_id: id, data: faults.failSetState }));
      } else if (faults.failCheckAlias !== null && typeof m === 'string' && m.includes('"command":"check_alias"')) {
        const { request_id: id } = JSON.parse(m) as { request_id: number };
        ws.send(JSON.stringify({ command: 'error', request_id: id, data: faults.failCheckAlias }));
      } else if (faults.failHierarchy !== null && typeof m === 'string' && m.includes('"get_space_hierarchy"')) {
        const { request_id: id } = JSON.parse(m) as { request_id: number };
        ws.send(JSON.stringify({ command: 'error', request_id: id, data: faults.failHierarchy }));
      } else if (faults.holdHierarchy && typeof m === 'string' && m.includes('"get_space_hierarchy"')) held.push(() => server.send(m));
      else server.send(m);
    });
  });

  const home = (): Locator => page.getByTestId('space-home');
  return {
    ui, hs, page, alice, alicePeer, bob,
    space, general, hiking, lounge, board, knock, climbing, bouldering, hidden, staff, quarry, fillers,
    faults,
    home,
    row: (roomId) => home().locator(`[data-testid="space-room"][data-room-id="${roomId}"]`),
    item: (roomId) => page.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`),
  };
}
