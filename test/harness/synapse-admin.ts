/**
 * Synapse's admin API as the test harness uses it: registering users with the server's shared registration secret,
 * and overriding one user's message rate limit through an admin user of the harness's own.
 */

import { createHmac, randomBytes } from 'node:crypto';

export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
}

/**
 * Synapse's per-user override of the rc_message limiter (the admin API drops its cache of it at once), for one
 * server; its admin user is registered on first use.
 */
export function rateLimitOverride(
  baseUrl: string,
  registrationSecret: string,
): (userId: string, perSecond: number, burst: number) => Promise<void> {
  let adminToken: Promise<string> | undefined;
  return async (userId, perSecond, burst) => {
    adminToken ??= registerUser(
      baseUrl,
      registrationSecret,
      'lattice-harness-admin',
      randomBytes(12).toString('hex'),
      { admin: true },
    ).then((u) => u.accessToken);
    const token = await adminToken;
    await adminRequest(
      baseUrl,
      'POST',
      `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/override_ratelimit`,
      { messages_per_second: perSecond, burst_count: burst },
      token,
    );
  };
}

export async function registerUser(
  baseUrl: string,
  secret: string,
  localpart: string,
  password: string,
  opts: { admin?: boolean; displayname?: string },
): Promise<TestUser> {
  const path = '/_synapse/admin/v1/register';
  const { nonce } = (await adminRequest(baseUrl, 'GET', path)) as { nonce: string };
  const admin = opts.admin ?? false;
  const mac = createHmac('sha1', secret)
    .update(`${nonce}\0${localpart}\0${password}\0${admin ? 'admin' : 'notadmin'}`, 'utf8')
    .digest('hex');
  const body: Record<string, unknown> = { nonce, username: localpart, password, admin, mac };
  // Passing it here sets it at creation time, before the user is in any room.
  if (opts.displayname !== undefined) body.displayname = opts.displayname;
  const res = (await adminRequest(baseUrl, 'POST', path, body)) as {
    user_id: string;
    access_token: string;
    device_id: string;
  };
  return { userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id, password };
}

async function adminRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // Only a Matrix error's two fields are read; whatever else the server answered is handed back as it came.
  let json: { errcode?: string; error?: string };
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { error: text };
  }
  if (!res.ok) {
    throw new Error(
      `${method} ${path} failed: HTTP ${res.status} ${json.errcode ?? ''} ${json.error ?? ''}`.trim(),
    );
  }
  return json;
}
