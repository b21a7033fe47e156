/** Presence per user, as last received in /sync: one row per user, replaced on every update. */
import type { PresenceState, UserPresence } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';

interface PresenceRow {
  user_id: string;
  presence: string;
  status_msg: string | null;
  last_active_ts: number | null;
  currently_active: number | null;
}

export class PresenceStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      put: db.prepare<[string, string, string | null, number | null, number | null]>(`INSERT INTO presence
        (user_id, presence, status_msg, last_active_ts, currently_active) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence, status_msg = excluded.status_msg,
          last_active_ts = excluded.last_active_ts, currently_active = excluded.currently_active`),
      get: db.prepare<[string], PresenceRow>('SELECT * FROM presence WHERE user_id = ?'),
      all: db.prepare<[], PresenceRow>('SELECT * FROM presence'),
    };
  }

  put(p: UserPresence): void {
    this.stmts.put.run(p.user_id, p.presence, p.status_msg ?? null, p.last_active_ts ?? null,
      p.currently_active === undefined ? null : Number(p.currently_active));
  }

  get(userId: string): UserPresence | undefined {
    const r = this.stmts.get.get(userId);
    return r && fromRow(r);
  }

  all(): UserPresence[] {
    return this.stmts.all.all().map(fromRow);
  }
}

function fromRow(r: PresenceRow): UserPresence {
  const p: UserPresence = { user_id: r.user_id, presence: r.presence as PresenceState };
  if (r.status_msg !== null) p.status_msg = r.status_msg;
  if (r.last_active_ts !== null) p.last_active_ts = r.last_active_ts;
  if (r.currently_active !== null) p.currently_active = r.currently_active === 1;
  return p;
}
