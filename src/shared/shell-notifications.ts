/**
 * What the desktop shell tells the page about its own notifications (shell → page, `lattice:notify-state`): whether
 * the File menu has them on, whether the system can show them at all (Electron's Notification.isSupported), and
 * whether they leave out the message text. The page shows it in Settings → Notifications and follows each change.
 * Shared by the shell, the preload and the renderer; the receiving sides check it with the parser here.
 */

export interface ShellNotificationState {
  enabled: boolean;
  supported: boolean;
  hide_text: boolean;
}

export function parseShellNotificationState(raw: unknown): ShellNotificationState | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { enabled, supported, hide_text: hideText } = raw as Record<string, unknown>;
  if (typeof enabled !== 'boolean' || typeof supported !== 'boolean' || typeof hideText !== 'boolean') return null;
  return { enabled, supported, hide_text: hideText };
}
