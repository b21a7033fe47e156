/**
 * Presence (a Lattice extension: gomuks has no presence commands). Others' presence arrives in /sync, is kept per
 * user and pushed as `presence` events; our own is set by the frontend from the app's idle state.
 */
import { z } from 'zod';
import type { UserPresence } from '../types.ts';
import { command, type CommandArea } from './define.ts';
import { userIdField } from './fields.ts';

export const presenceCommands = {
  /**
   * Sets our presence: `online` while the user is active, `unavailable` after a while idle. The backend sends the
   * same state with every /sync (so syncing does not undo it) and sets `offline` itself when it shuts down.
   */
  set_presence: command(z.object({
    presence: z.enum(['online', 'unavailable', 'offline']),
    status_msg: z.string().max(1000).optional(),
  })).returns<boolean>(),
  /** A user's presence: as last received in /sync, else asked from the homeserver; null if it has none. */
  get_presence: command(z.object({ user_id: userIdField })).returns<UserPresence | null>(),
} satisfies CommandArea;
