/** All of the backend's tables behind one handle, plus the transaction helper every writer uses. */
import { AccountStore } from './account.ts';
import { openDatabase, type DB } from './database.ts';
import { EventStore } from './events.ts';
import { OutboxStore } from './outbox.ts';
import { PresenceStore } from './presence.ts';
import { RoomKeys } from './room-keys.ts';
import { RoomStore } from './rooms.ts';
import { SpaceStore } from './spaces.ts';
import { StateStore } from './state.ts';
import { TimelineStore } from './timeline.ts';
import { UnreadStore } from './unread.ts';

export class Store {
  readonly db: DB;
  readonly events: EventStore;
  readonly timeline: TimelineStore;
  readonly state: StateStore;
  readonly rooms: RoomStore;
  readonly account: AccountStore;
  readonly outbox: OutboxStore;
  readonly unread: UnreadStore;
  readonly presence: PresenceStore;
  readonly spaces: SpaceStore;
  private readonly roomKeys: RoomKeys;
  private readonly forget;

  constructor(db: DB) {
    this.db = db;
    this.forget = {
      // A scan of the event table (it has no index by room, see migration 2): leaving a room is rare.
      events: db.prepare<[string]>('DELETE FROM event WHERE room_id = ?'),
      accountData: db.prepare<[string]>('DELETE FROM account_data WHERE room_id = ?'),
      receipts: db.prepare<[string]>('DELETE FROM receipt WHERE room_id = ?'),
    };
    this.roomKeys = new RoomKeys(db);
    this.events = new EventStore(db);
    this.timeline = new TimelineStore(db, this.roomKeys);
    this.state = new StateStore(db);
    this.rooms = new RoomStore(db, this.roomKeys);
    this.account = new AccountStore(db);
    this.outbox = new OutboxStore(db);
    this.unread = new UnreadStore(db);
    this.presence = new PresenceStore(db);
    this.spaces = new SpaceStore(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      this.rooms.forgetCached();
      this.state.forgetCached();
      this.roomKeys.forgetCached();
      this.events.forgetCached();
      throw e;
    }
  }

  /**
   * Copies the WAL into the database file, without waiting for readers (PASSIVE). Called when syncing goes idle,
   * so the copying and its fsyncs happen once after a burst of commits rather than inside them.
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Forgets one room entirely (after leaving it). */
  deleteRoom(roomId: string): void {
    this.transaction(() => {
      this.state.clear(roomId);
      this.timeline.clear(roomId);
      this.forget.events.run(roomId);
      this.forget.accountData.run(roomId);
      this.forget.receipts.run(roomId);
      this.spaces.forget(roomId);
      this.rooms.delete(roomId);
    });
  }

  close(): void {
    this.db.close();
  }
}
