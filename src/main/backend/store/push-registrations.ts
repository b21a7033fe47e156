/**
 * Push registrations of frontend devices (gomuks' push_registration table), kept for a push gateway to use later.
 * A registration's encryption key is a secret: the caller puts it in the secret store, and this table only notes
 * that there is one.
 */
import type { PushRegistration } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';

/** The secret store's name for a device's push encryption key. */
export function pushKeyName(deviceId: string): string {
  return `push_key:${deviceId}`;
}

export class PushRegistrationStore {
  private readonly db: DB;
  constructor(db: DB) {
    this.db = db;
  }

  put(reg: PushRegistration): void {
    this.db.prepare(`INSERT INTO push_registration (device_id, type, data, has_key, expiration) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET type = excluded.type, data = excluded.data, has_key = excluded.has_key,
        expiration = excluded.expiration`)
      .run(reg.device_id, reg.type, JSON.stringify(reg.data), reg.encryption ? 1 : 0, reg.expiration ?? null);
  }

  /** Devices whose registration has a key in the secret store (to delete those keys with the account). */
  deviceIdsWithKeys(): string[] {
    return this.db.prepare('SELECT device_id FROM push_registration WHERE has_key = 1').pluck().all() as string[];
  }
}
