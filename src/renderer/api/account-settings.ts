/**
 * Requests of the Settings screen's Profile and Sessions tabs: our display name and avatar (uploaded through the
 * same route as the composer's attachments), the account's password and its deactivation, and the account's
 * sessions (list with trust, rename, sign out). The
 * list merges what the homeserver says about each device (name, last seen) with what this device's encryption
 * knows (its trust), with this session first.
 */
import type { AccountChangeResult } from '../../shared/rpc/commands/account.ts';
import type { DeleteDevicesResult } from '../../shared/rpc/commands/devices.ts';
import type { GetOwnDevicesResponse, TrustState } from '../../shared/rpc/commands/verification.ts';
import type { Session } from './session.ts';
import { uploadFile } from './uploads.ts';

export async function setDisplayName(session: Session, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('A display name cannot be empty.');
  if (trimmed.length > 256) throw new Error('A display name can be at most 256 characters.');
  await session.client.request('set_profile_field', { field: 'displayname', value: trimmed });
}

/** Avatars are shown small everywhere; a huge photo would only cost every client that downloads it. */
const MAX_AVATAR_BYTES = 10 * 1024 * 1024;

/** Uploads the picked image (never encrypted: a profile is public) and makes it our avatar; answers its mxc URI. */
export async function setAvatar(session: Session, file: File, onProgress?: (fraction: number) => void): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error(`${file.name || 'That file'} is not an image: pick a PNG, JPEG, GIF or WebP picture.`);
  if (file.size > MAX_AVATAR_BYTES) throw new Error('That picture is larger than 10 MB: pick a smaller one.');
  const content = await uploadFile(file, file.name || 'avatar', {
    encrypt: false, onProgress: (sent, total) => onProgress?.(total ? sent / total : 0),
  });
  if (!content.url) throw new Error('The upload did not answer with a media address.');
  await session.client.request('set_profile_field', { field: 'avatar_url', value: content.url });
  return content.url;
}

export async function removeAvatar(session: Session): Promise<void> {
  await session.client.request('set_profile_field', { field: 'avatar_url', value: '' });
}

export type DeviceTrust = 'verified' | 'unverified' | 'blocked' | 'no-keys';

export interface DeviceRow {
  deviceId: string;
  /** The public name, or '' when the device has none. */
  name: string;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
  trust: DeviceTrust;
  current: boolean;
}

export function trustOf(state: TrustState | undefined): DeviceTrust {
  switch (state) {
    case undefined: return 'no-keys';
    case 'verified': case 'cross-signed-verified': return 'verified';
    case 'blacklisted': return 'blocked';
    case 'unverified': case 'cross-signed-untrusted': case 'cross-signed-tofu':
    case 'unknown-device': case 'forwarded': case 'invalid':
      return 'unverified';
    default: {
      const never: never = state;
      return never;
    }
  }
}

export const TRUST_LABELS: Record<DeviceTrust, string> = {
  verified: 'Verified',
  unverified: 'Not verified',
  blocked: 'Blocked',
  'no-keys': 'No encryption keys',
};

/**
 * The sessions to show: this one first, then the most recently seen; ties by ID so the order is stable.
 * `currentVerified` is whether this session is cross-signed by a trusted identity (client_state's
 * verification_state), when known: the engine always trusts its own keys, which says nothing to the user.
 */
export function deviceRows(resp: GetOwnDevicesResponse, currentDeviceId: string | undefined, currentVerified?: boolean): DeviceRow[] {
  const trust = new Map(resp.encryption.devices.map((d) => [d.device_id, d.trust_state]));
  const current = currentDeviceId ?? resp.current_device?.device_id;
  const rows = resp.devices.map((d): DeviceRow => ({
    deviceId: d.device_id,
    name: d.display_name?.trim() ?? '',
    lastSeenTs: typeof d.last_seen_ts === 'number' ? d.last_seen_ts : null,
    lastSeenIp: d.last_seen_ip ?? null,
    trust: d.device_id === current ? currentTrust(resp, currentVerified) : trustOf(trust.get(d.device_id)),
    current: d.device_id === current,
  }));
  return rows.sort((a, b) => Number(b.current) - Number(a.current)
    || (b.lastSeenTs ?? 0) - (a.lastSeenTs ?? 0)
    || a.deviceId.localeCompare(b.deviceId));
}

function currentTrust(resp: GetOwnDevicesResponse, verified: boolean | undefined): DeviceTrust {
  if (!resp.current_device) return 'no-keys';
  if (verified !== undefined) return verified ? 'verified' : 'unverified';
  return trustOf(resp.current_device.trust_state);
}

/** The name one of our own sessions was given (GET /devices), or null when it has none or the list fails. */
export async function ownDeviceName(session: Session, deviceId: string): Promise<string | null> {
  try {
    const resp = await session.client.request('get_own_devices', {});
    return resp.devices.find((d) => d.device_id === deviceId)?.display_name?.trim() || null;
  } catch {
    return null;
  }
}

export async function listDevices(session: Session, currentDeviceId: string | undefined, currentVerified?: boolean): Promise<DeviceRow[]> {
  return deviceRows(await session.client.request('get_own_devices', {}), currentDeviceId, currentVerified);
}

export async function renameDevice(session: Session, deviceId: string, name: string): Promise<void> {
  await session.client.request('rename_device', { device_id: deviceId, display_name: name.trim() });
}

/**
 * Signs the sessions out. Without `password` the homeserver may still agree (or need nothing the person types);
 * when it wants the account password nothing is done and `password_required` says so: ask for it and call again
 * with it. When it wants a confirmation on its own web page, `fallback` has the page: open it, and once the
 * person says they are done call again with its `session` as `authSession`.
 */
export function signOutDevices(session: Session, deviceIds: string[], password?: string, authSession?: string): Promise<DeleteDevicesResult> {
  return session.client.request('delete_devices', {
    device_ids: deviceIds, ...(password ? { password } : {}), ...(authSession ? { auth_session: authSession } : {}),
  });
}

/** What the Change password dialog holds. */
export interface PasswordChange {
  current: string;
  next: string;
  confirm: string;
  /** Sign out every other session (the spec's `logout_devices`); this one stays signed in. */
  signOutOthers: boolean;
}

/** Why the change cannot be sent as it is, in words, or null when it can (checked before anything is sent). */
export function passwordChangeProblem(c: PasswordChange): string | null {
  if (!c.current) return 'Enter your current password.';
  if (!c.next) return 'Enter a new password.';
  if (c.next !== c.confirm) return 'The new passwords do not match: type the same one in both fields.';
  if (c.next === c.current) return 'The new password is the same as the current one.';
  return null;
}

/**
 * Changes the account password, confirmed with the current one. `done` false with `fallback` means the homeserver
 * wants a confirmation on its own page: open it, then call again with its `session` as `authSession`.
 */
export async function changePassword(session: Session, c: PasswordChange, authSession?: string): Promise<AccountChangeResult> {
  const problem = passwordChangeProblem(c);
  if (problem) throw new Error(problem);
  return session.client.request('change_password', {
    password: c.current, new_password: c.next, logout_devices: c.signOutOthers, ...(authSession ? { auth_session: authSession } : {}),
  });
}

/**
 * Deactivates the account for good; `erase` asks the homeserver to hide the messages sent from people who join
 * later. Once done, the backend signs out and the login screen says why. `fallback` as for changePassword.
 */
export async function deactivateAccount(session: Session, password: string, erase: boolean, authSession?: string): Promise<AccountChangeResult> {
  if (!password) throw new Error('Enter your password to confirm.');
  return session.client.request('deactivate_account', { password, erase, ...(authSession ? { auth_session: authSession } : {}) });
}
