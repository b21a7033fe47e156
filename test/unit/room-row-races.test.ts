/**
 * Commands that change a room's row after a request to the homeserver write it from the row as it is when the
 * answer arrives: a sync that renamed the room while the request was out must not be undone by an older copy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src/main/backend/store/database.ts';
import { Store } from '../../src/main/backend/store/store.ts';
import { emptyRoom } from '../../src/main/backend/sync/room-meta.ts';
import { getRoomState } from '../../src/main/backend/rooms/room-state.ts';
import type { MatrixClient } from '../../src/main/backend/matrix/client.ts';
import { roomHandlers } from '../../src/main/backend/commands/rooms.ts';
import type { CommandContext } from '../../src/main/backend/commands/context.ts';
import type { Room, SyncComplete } from '../../src/shared/rpc/index.ts';

const ROOM = '!r:hs';

function storeWithRoom(): Store {
  const db = new Database(':memory:');
  migrate(db);
  const store = new Store(db);
  store.rooms.ensure(ROOM);
  store.rooms.save({ ...emptyRoom(ROOM), name: 'Empty room' });
  return store;
}

describe('room rows written after a homeserver request', () => {
  it('get_room_state with fetch_members keeps a name a sync stored while the members were fetched', async () => {
    const store = storeWithRoom();
    const client = {
      rooms: {
        members: () => {
          // The sync that lands while the request is out.
          store.rooms.save({ ...store.rooms.get(ROOM)!, name: 'Made in Lattice', name_quality: 3 });
          return Promise.resolve({ chunk: [] });
        },
      },
    } as unknown as MatrixClient;
    const { updatedRoom } = await getRoomState(store, client, ROOM, { fetchMembers: true }, new AbortController().signal);
    assert.equal(updatedRoom?.name, 'Made in Lattice');
    assert.equal(updatedRoom?.has_member_list, true);
    assert.equal(store.rooms.get(ROOM)?.name, 'Made in Lattice');
    store.close();
  });

  it('mark_read clears the counts on the row as a sync left it while the read marker was being set', async () => {
    const store = storeWithRoom();
    store.rooms.save({ ...store.rooms.get(ROOM)!, unread_messages: 3 });
    const sent: SyncComplete[] = [];
    const client = {
      rooms: {
        setReadMarkers: () => {
          store.rooms.save({ ...store.rooms.get(ROOM)!, name: 'Made in Lattice', name_quality: 3 });
          return Promise.resolve({});
        },
      },
    };
    const ctx = {
      store,
      requireSession: () => ({ client }),
      requireRoom: (id: string): Room => store.rooms.get(id)!,
      broadcast: (_: string, d: SyncComplete) => sent.push(d),
    } as unknown as CommandContext;
    await roomHandlers(ctx).mark_read({ room_id: ROOM, event_id: '$e', receipt_type: 'm.read' }, new AbortController().signal);
    const row = store.rooms.get(ROOM);
    assert.equal(row?.name, 'Made in Lattice');
    assert.equal(row?.unread_messages, 0);
    assert.equal(sent[0]?.rooms?.[ROOM]?.meta?.name, 'Made in Lattice');
    store.close();
  });
});

describe('room rows as written', () => {
  it('every column reads back as saved, also when only some changed and the others were kept from the cached row', () => {
    const db = new Database(':memory:');
    migrate(db);
    const store = new Store(db);
    store.rooms.ensure(ROOM);
    // Every field a value of its own, so a column written from the wrong place shows.
    const room: Room = {
      ...emptyRoom(ROOM), creation_content: { room_version: '11' }, tombstone: { replacement_room: '!new:hs' },
      name: 'Name', name_quality: 3, avatar: 'mxc://hs/a', explicit_avatar: true, dm_user_id: '@dm:hs', topic: 'Topic',
      canonical_alias: '#alias:hs', lazy_load_summary: { 'm.joined_member_count': 7 },
      encryption_event: { algorithm: 'm.megolm.v1.aes-sha2' }, has_member_list: true, preview_event_rowid: 11,
      sorting_timestamp: 12, unread_highlights: 13, unread_notifications: 14, unread_messages: 15, marked_unread: true,
    };
    store.rooms.save(room);
    // A sync's save: a copy of the row with its activity and one more column changed, its objects the cached ones.
    const next = { ...store.rooms.get(ROOM)!, topic: 'New topic', preview_event_rowid: 21, unread_messages: 25 };
    assert.equal(store.rooms.save(next), true);
    const fresh = new Store(db).rooms.get(ROOM);
    assert.deepEqual(fresh, { ...room, topic: 'New topic', preview_event_rowid: 21, unread_messages: 25 });
  });
});
