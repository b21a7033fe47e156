/**
 * The desktop shell's own settings (desktop-settings.json in the config folder, 0600): things only the OS
 * integration reads. Changed from the application and tray menus; the renderer never needs them.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.ts';

const DesktopSettingsSchema = z.object({
  /** Launch (hidden, in the tray) when the user logs in. Off by default: an app should ask before doing that. */
  startAtLogin: z.boolean().default(false),
  /** Closing the window keeps Lattice running in the tray. Only honoured where a tray exists. */
  closeToTray: z.boolean().default(true),
  /** Show OS notifications for messages the push rules say notify. */
  notifications: z.boolean().default(true),
  /** Notifications say who wrote in which room, but not what (for screens other people can see). */
  hideMessageText: z.boolean().default(false),
});
export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

export const DEFAULT_SETTINGS: DesktopSettings = DesktopSettingsSchema.parse({});

export const settingsFile = (configDir: string): string => path.join(configDir, 'desktop-settings.json');

export function loadSettings(configDir: string, log: (m: string) => void): DesktopSettings {
  return readJsonFile(settingsFile(configDir), DesktopSettingsSchema, DEFAULT_SETTINGS, log);
}

export function saveSettings(configDir: string, settings: DesktopSettings): void {
  writeJsonFile(settingsFile(configDir), settings);
}
