/**
 * Screenshots for people to look at, taken only when asked for (LATTICE_SHOTS=1): no test reads them back, so the
 * suite's own run skips their cost. A test calls `shot` where it would call `screenshot({ path })`, and keeps its
 * assertions outside it, so they run either way.
 */
import type { Locator, Page } from 'playwright-core';

/**
 * Whether browser tests save their screenshots: only with LATTICE_SHOTS=1. They are for people to look at, and no
 * test reads them back, so the suite's own run skips their cost (about 0.15–0.3 s a shot, over 600 of them); the
 * checks that run beside a screenshot (layout at each size and theme) run either way.
 */
export const SHOTS = process.env.LATTICE_SHOTS === '1';

/** Saves a screenshot of `target` (a page or one element) at `file` when LATTICE_SHOTS=1; else does nothing. */
export async function shot(target: Page | Locator, file: string): Promise<void> {
  if (SHOTS) await target.screenshot({ path: file });
}
