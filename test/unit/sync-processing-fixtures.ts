/**
 * The /sync responses processSync's unit tests (sync-processing-*.test.ts) feed it, for the account ME: events
 * numbered in order and a millisecond apart, from Bob unless told otherwise, and joined rooms wrapped in a response
 * with a fresh next_batch.
 */
import type { ClientEvent, SyncResponse } from '../../src/main/backend/matrix/types.ts';

export const ME = '@me:hs';
let ts = 1_700_000_000_000;
let n = 0;
export function ev(type: string, content: Record<string, unknown>, extra: Partial<ClientEvent> = {}): ClientEvent {
  return { event_id: `$e${++n}`, type, sender: '@bob:hs', origin_server_ts: ts++, content: content as ClientEvent['content'], ...extra };
}
export const member = (user: string, displayname?: string, membership = 'join') =>
  ev('m.room.member', { membership, ...(displayname ? { displayname } : {}) }, { state_key: user, sender: user });
export const msg = (body: string, extra: Partial<ClientEvent> = {}) => ev('m.room.message', { msgtype: 'm.text', body }, extra);

export function sync(rooms: NonNullable<SyncResponse['rooms']>['join'], extra: Partial<SyncResponse> = {}): SyncResponse {
  return { next_batch: `s${++n}`, rooms: { join: rooms }, ...extra };
}
