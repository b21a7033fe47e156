/**
 * What the custom emoji and sticker (MSC2545) browser tests start from (emoji-packs-sending-ui and
 * emoji-packs-settings-ui in test/e2e/): Synapse, the web host and Chromium with one page (web-ui.ts); Alice, who signs
 * in to Lattice (not signed in yet: that is the tests'), and Bob, a peer over the homeserver API, in Bob's room Emoji
 * Packs, where Alice is a moderator (so she may change its packs). The packs: Alice's own in account data (an emoji, a
 * sticker and an image without an mxc:// URL), two packs in the room's state (different state keys), a pack of the
 * space containing the room (read through get_state_of_types for that space) and a pack of another room, Sticker Shop,
 * where she may not change it, that she enabled everywhere (`im.ponies.emote_rooms`, read through
 * get_specific_room_state; beside it a key of another client's, which a write must keep). One place, so each file
 * starts from the same packs whichever runs first, or alone.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { MatrixPeer } from './matrix-peer.ts';
import { encodePng, type RGB } from './png.ts';
import type { SynapseServer, TestUser } from './synapse.ts';
import { aliceAndBobRoom, startWebUiWith, type WebUi } from './web-ui.ts';

const enc = encodeURIComponent;

export interface EmojiPacksFixture {
  ui: WebUi;
  hs: SynapseServer;
  page: Page;
  alice: TestUser;
  /** Alice over the homeserver API, beside her Lattice: for what the tests set up or read back as her. */
  alicePeer: MatrixPeer;
  bob: MatrixPeer;
  /** Emoji Packs, Bob's room, which Alice has joined and whose packs she may change. */
  roomId: string;
  /** Sticker Shop, Bob's room, whose pack Alice enabled everywhere and may not change. */
  otherRoom: string;
  /** The mxc:// URLs of the packs' pictures, by what they show. */
  mxc: Readonly<Record<'blob' | 'parrot' | 'wave' | 'other', string>>;
  /** The emoji picker, wherever it was opened from (composer, reaction, sticker button). */
  picker: () => Locator;
}

/** A round face of `rgb` on white, so the pictures are told apart in the screenshots. */
export function face(rgb: RGB): Buffer {
  return encodePng(64, 64, (x, y) => {
    const dx = x - 31.5;
    const dy = y - 31.5;
    const r = Math.hypot(dx, dy);
    const eye = Math.hypot(Math.abs(dx) - 10, dy + 8) < 5;
    const mouth = dy > 6 && dy < 12 && Math.abs(dx) < 14;
    if (r > 30) return [255, 255, 255];
    return eye || mouth ? [30, 30, 30] : rgb;
  });
}

async function upload(hs: SynapseServer, user: TestUser, png: Buffer, name: string): Promise<string> {
  const res = await fetch(`${hs.baseUrl}/_matrix/media/v3/upload?filename=${name}`, {
    method: 'POST', headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'image/png' }, body: new Uint8Array(png),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { content_uri: string }).content_uri;
}

/** Starts the homeserver, the web host and the browser (`name` names the host's data folder) and makes the packs. */
export async function startEmojiPacksFixture(name: string): Promise<EmojiPacksFixture> {
  return startWebUiWith(name, makePacks);
}

async function makePacks(ui: WebUi): Promise<EmojiPacksFixture> {
  const { hs, page } = ui;
  const { alice, bob, roomId } = await aliceAndBobRoom(hs, 'Emoji Packs');
  const alicePeer = new MatrixPeer(hs.baseUrl, alice);
  const mxc: EmojiPacksFixture['mxc'] = {
    blob: await upload(hs, alice, face([90, 160, 240]), 'blob.png'),
    parrot: await upload(hs, alice, face([240, 90, 120]), 'parrot.png'),
    wave: await upload(hs, alice, face([250, 200, 60]), 'wave.png'),
    other: await upload(hs, alice, face([90, 200, 110]), 'other.png'),
  };
  const account = (type: string, content: unknown) =>
    alicePeer.request('PUT', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/${type}`, content);
  await account('im.ponies.user_emotes', {
    pack: { display_name: 'My blobs' },
    images: {
      blobcat: { url: mxc.blob, body: 'Blob cat' },
      wave: { url: mxc.wave, body: 'Waving hello', usage: ['sticker'], info: { w: 64, h: 64, mimetype: 'image/png' } },
      broken: { url: 'https://example.org/not-mxc.png' },
    },
  });
  await bob.setState(roomId, 'im.ponies.room_emotes', 'party', {
    pack: { display_name: 'Party pack', usage: ['emoticon'] }, images: { partyparrot: { url: mxc.parrot } },
  });
  // A second pack of the room, under another state key: listed, edited and used everywhere on its own.
  await bob.setState(roomId, 'im.ponies.room_emotes', 'extras', {
    pack: { display_name: 'Extras', usage: ['emoticon'] }, images: { extra_blob: { url: mxc.blob } },
  });
  // A space containing the room, with a pack of its own: offered in the room, as Cinny does.
  const space = await bob.createRoom({ name: 'Pack Space', invite: [alice.userId], creationContent: { type: 'm.space' } });
  await bob.setState(space, 'm.space.child', roomId, { via: [hs.serverName] });
  await bob.setState(space, 'im.ponies.room_emotes', '', {
    pack: { display_name: 'Space pack', usage: ['emoticon'] }, images: { spacecat: { url: mxc.other } },
  });
  await alicePeer.join(space);
  // A pack of another room, enabled everywhere: offered in this room too.
  const otherRoom = await bob.createRoom({ name: 'Sticker Shop', invite: [alice.userId] });
  await alicePeer.join(otherRoom);
  await bob.setState(otherRoom, 'im.ponies.room_emotes', '', { pack: { display_name: 'Shop pack' }, images: { frog: { url: mxc.other } } });
  await account('im.ponies.emote_rooms', { rooms: { [otherRoom]: { '': {} } }, 'com.example.kept': true });
  // Alice may change this room's packs (moderator); in the shop room she may not.
  const levels = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.power_levels/`) as { users: Record<string, number> };
  await bob.setState(roomId, 'm.room.power_levels', '', { ...levels, users: { ...levels.users, [alice.userId]: 50 } });

  return {
    ui, hs, page, alice, alicePeer, bob, roomId, otherRoom, mxc,
    picker: () => page.getByTestId('emoji-picker'),
  };
}
