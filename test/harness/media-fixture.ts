/**
 * What the media and message-feature browser tests start from (media-ui and message-features-ui in test/e2e/):
 * Synapse, the web host and Chromium with one page (web-ui.ts); Alice, who signs in to Lattice (not signed in yet:
 * that is the tests'), and Bob, a peer over the homeserver API, in the room Media E2E, where Bob has said "Hello from
 * Bob". One place, so each file starts from the same room whichever runs first, or alone, and takes its screenshots
 * the same way.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { MatrixPeer } from './matrix-peer.ts';
import { shot, SHOTS } from './shots.ts';
import type { SynapseServer, TestUser } from './synapse.ts';
import { aliceAndBobRoom, ARTIFACTS, messageWith, startWebUiWith, type WebUi } from './web-ui.ts';

const SIZES = [[1280, 800], [800, 600]] as const;

export interface MediaFixture {
  ui: WebUi;
  hs: SynapseServer;
  page: Page;
  alice: TestUser;
  bob: MatrixPeer;
  /** Media E2E, Bob's room, which Alice has joined. */
  roomId: string;
  /** The timeline row whose text contains `text`. */
  message: (text: string) => Locator;
  /** One screenshot per theme and size, of whatever is open now. */
  shots: (name: string) => Promise<void>;
}

/** Starts the homeserver, the web host and the browser (`name` names the host's data folder) and makes the room. */
export async function startMediaFixture(name: string): Promise<MediaFixture> {
  return startWebUiWith(name, async (ui): Promise<MediaFixture> => {
    const { hs, page } = ui;
    const { alice, bob, roomId } = await aliceAndBobRoom(hs, 'Media E2E');
    await bob.sendEvent(roomId, 'm.room.message', { msgtype: 'm.text', body: 'Hello from Bob' });
    return {
      ui, hs, page, alice, bob, roomId,
      message: (text) => messageWith(page, text),
      shots: (shotName) => shots(page, shotName),
    };
  });
}

async function shots(page: Page, name: string): Promise<void> {
  // No transitions: a screenshot right after a theme switch would catch colours halfway.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  if (!SHOTS) return;
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => { document.documentElement.dataset.theme = t; }, theme);
      await shot(page, path.join(ARTIFACTS, `media-${theme}-${w}x${h}-${name}.png`));
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
}
