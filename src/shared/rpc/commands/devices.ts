/**
 * Managing the account's sessions (devices): renaming one and signing others out. Lattice extensions; gomuks has
 * no such commands. The list itself is `get_own_devices` (verification.ts), which also carries each device's trust.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';

/**
 * What `delete_devices` did: signed the sessions out, or nothing because the account password is needed, or
 * because a confirmation on the homeserver's own web page is.
 */
export interface DeleteDevicesResult {
  signed_out: boolean;
  /** Set (and `signed_out` false) when the homeserver asks for the account password and none was given. */
  password_required?: boolean;
  /**
   * Set (and `signed_out` false) when a stage (single sign-on, say) is done on the homeserver's fallback page:
   * open `url` in the browser, and once the person says they finished, send the command again with
   * `auth_session: session`. Sent again while the page was not completed, the answer is this again.
   */
  fallback?: { url: string; stage: string; session: string };
}

const deviceId = z.string().min(1, 'must be a device ID').max(255, 'is too long for a device ID');

export const deviceCommands = {
  /** Sets a device's public display name (PUT /devices/{deviceId}); an empty name removes it. */
  rename_device: command(z.object({
    device_id: deviceId,
    display_name: z.string().max(100, 'must be at most 100 characters'),
  })).returns<boolean>(),
  /**
   * Signs other sessions out (POST /delete_devices). The homeserver may ask for a confirmation (user-interactive
   * auth): the request is tried without it first, a flow that needs nothing from the person is completed at once,
   * and one needing the account password uses `password`; without it nothing is done and the answer says
   * `password_required`, so the frontend asks for it and sends the command again. A stage done on the homeserver's
   * web page (single sign-on, a captcha, terms) answers `fallback`; after it, `auth_session` sends the request again
   * with only that session. A flow Lattice cannot walk (an email confirmation, say) is an error in words. This
   * session cannot be signed out this way (that is `logout`).
   */
  delete_devices: command(z.object({
    device_ids: z.array(deviceId).min(1, 'must name at least one session').max(100, 'may name at most 100 sessions at once'),
    password: z.string().min(1, 'must not be empty').optional(),
    auth_session: z.string().min(1, 'must not be empty').max(1000, 'is too long for a session').optional(),
  })).returns<DeleteDevicesResult>(),
} satisfies CommandArea;
