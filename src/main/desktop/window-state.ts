/**
 * The window's size, position and maximized state, remembered across launches (window-state.json in the config
 * folder, 0600). Restoring checks the saved rectangle against the displays that exist now: a window saved on a
 * monitor since unplugged must not open off screen.
 */
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.ts';

const int = z.number().int().min(-100_000).max(100_000);
const WindowStateSchema = z.object({
  x: int.optional(),
  y: int.optional(),
  width: int.min(200),
  height: int.min(150),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };

export const windowStateFile = (configDir: string): string => path.join(configDir, 'window-state.json');

/** How much of the title bar must be on a display for the window to count as reachable. */
const MIN_VISIBLE = 64;

function overlap(a: Rectangle, b: Rectangle): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open the window with: the saved ones when enough of the window's top edge lies on a display's
 * work area; otherwise the saved size (shrunk to the primary work area) without a position, so the OS centres it.
 */
export function restoreBounds(saved: WindowState, workAreas: readonly Rectangle[]): WindowState {
  const primary = workAreas[0];
  const fit = (s: WindowState): WindowState => primary
    ? { ...s, width: Math.min(s.width, primary.width), height: Math.min(s.height, primary.height) }
    : s;
  if (saved.x === undefined || saved.y === undefined) return fit({ width: saved.width, height: saved.height, maximized: saved.maximized });
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: Math.min(saved.height, 32) };
  const reachable = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.w >= Math.min(MIN_VISIBLE, saved.width) && o.h > 0;
  });
  if (reachable) return saved;
  return fit({ width: saved.width, height: saved.height, maximized: saved.maximized });
}

export function loadWindowState(configDir: string, log: (m: string) => void): WindowState {
  return readJsonFile(windowStateFile(configDir), WindowStateSchema, DEFAULT_WINDOW_STATE, log);
}

export function saveWindowState(configDir: string, state: WindowState): void {
  writeJsonFile(windowStateFile(configDir), state);
}

/** What to save from a window: its normal (un-maximized) bounds, so un-maximizing after a restart works. */
export function captureWindowState(normalBounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x), y: Math.round(normalBounds.y),
    width: Math.max(200, Math.round(normalBounds.width)), height: Math.max(150, Math.round(normalBounds.height)),
    maximized,
  };
}

type TrackedWindow = Pick<BrowserWindow, 'isDestroyed' | 'getNormalBounds' | 'isMaximized'> & {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
};

/**
 * Saves the window's state shortly after it stops moving or resizing (so a crash keeps the last layout), and at
 * once when it closes. `save` gets the state to write.
 */
export function trackWindowState(w: TrackedWindow, save: (s: WindowState) => void, delayMs = 1000): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const saveNow = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!w.isDestroyed()) save(captureWindowState(w.getNormalBounds(), w.isMaximized()));
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(saveNow, delayMs);
    timer.unref?.();
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) w.on(e, later);
  w.on('close', saveNow);
}
