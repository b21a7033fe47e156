/**
 * Push registrations of frontend devices (gomuks' push_registration table), kept for a push gateway to use later.
 * A registration's encryption key is a secret: the caller puts it in the secret store, and this table only notes
 * that there is one.
 */
import type { JSONValue, PushRegistration } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';

export type StoredPushRegistration = Omit<PushRegistration, 'encryption'> & { has_key: boolean };

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

  get(deviceId: string): StoredPushRegistration | undefined {
    const r = this.db.prepare('SELECT * FROM push_registration WHERE device_id = ?').get(deviceId) as
      { device_id: string; type: 'fcm' | 'web'; data: string; has_key: number; expiration: number | null } | undefined;
    if (!r) return undefined;
    return {
      device_id: r.device_id, type: r.type, data: JSON.parse(r.data) as JSONValue, has_key: r.has_key === 1,
      ...(r.expiration === null ? {} : { expiration: r.expiration }),
    };
  }
}
