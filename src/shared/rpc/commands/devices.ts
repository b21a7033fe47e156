/**
 * Managing the account's sessions (devices): renaming one and signing others out. Lattice extensions; gomuks has
 * no such commands. The list itself is `get_own_devices` (verification.ts), which also carries each device's trust.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';

const deviceId = z.string().min(1, 'must be a device ID').max(255, 'is too long for a device ID');

export const deviceCommands = {
  /** Sets a device's public display name (PUT /devices/{deviceId}); an empty name removes it. */
  rename_device: command(z.object({
    device_id: deviceId,
    display_name: z.string().max(100, 'must be at most 100 characters'),
  })).returns<boolean>(),
  /**
   * Signs other sessions out (POST /delete_devices). The homeserver usually asks to confirm with the account
   * password (user-interactive auth): the request is tried without it first, then with `password` when the server
   * offers password auth. This session cannot be signed out this way (that is `logout`).
   */
  delete_devices: command(z.object({
    device_ids: z.array(deviceId).min(1, 'must name at least one session').max(100, 'may name at most 100 sessions at once'),
    password: z.string().min(1, 'must not be empty').optional(),
  })).returns<boolean>(),
} satisfies CommandArea;
