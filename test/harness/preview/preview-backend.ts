/**
 * A stand-in backend for looking at the renderer: a `BackendHost` like the real one, whose commands are a typed
 * `Handlers` object run through the real `Dispatcher`. A command added to or changed in the contract therefore
 * breaks this file at compile time instead of leaving the preview quietly out of date, and bad input gets the
 * same validation errors the real backend gives.
 *
 * The data is made up (fake-data.ts); the behaviour imitates the real backend where the UI can see it: local echo
 * → send_complete → sync placement, paginate from newest to oldest, mark_read clearing badges, login errors in
 * words. Nothing here is the real backend: the end-to-end test against it lives elsewhere.
 */
import { Dispatcher, type Handlers } from '../../../src/main/backend/rpc/dispatcher.ts';
import type { BackendConnection, BackendHost, EnvelopeSink } from '../../../src/main/backend/rpc/connection.ts';
import type { EventName, EventPayloads, MediaRequest } from '../../../src/shared/rpc/index.ts';
import { NOT_SENT, type ClientState, type Event, type PaginationResponse, type SyncComplete, type SyncRoom } from '../../../src/shared/rpc/types.ts';
import { addCrowd, buildBigAccount } from './big-account.ts';
import {
  buildRooms, FAVOURITE_ID, GOOD_PASSWORD, INVITE_ID, ME, people, SERVER, SPACE_CHILDREN, SPACE_ID, stateMap, type FakeRoom,
} from './fake-data.ts';
import { fakeHierarchy } from './fake-hierarchy.ts';
import { fakeMentions } from './fake-mentions.ts';
import { afterReply, loggedInState, loggedOutState, markdownish, notInPreview, PreviewConnection, previewLogger, sleep } from './preview-support.ts';

export interface PreviewBackendOptions {
  loggedIn: boolean;
  /** Delays answers to paginate, so a test can watch the loading state. */
  paginateDelayMs: number;
  /** Adds a big account (big-account.ts) for the UI benchmark: this many rooms and events in one room. */
  bigAccount?: { rooms: number; events: number };
  /** Adds this many made-up members to Matrix HQ (big-account.ts's addCrowd), for the member list. */
  crowd?: number;
  /** How long each discover_homeserver in turn takes (150 ms for those past the list): answers out of order. */
  discoveryDelaysMs?: number[];
}

export class PreviewBackend implements BackendHost {
  private nextRowid = 1;
  readonly rooms: Map<string, FakeRoom>;
  clientState: ClientState;
  /** Every media request the page made, to check the thumbnail sizes it asks for. */
  readonly mediaRequests: MediaRequest[] = [];
  /** Every typing notice the page sent (room and timeout), to check it sends none when told not to. */
  readonly typingNotices: { roomId: string; timeout: number }[] = [];
  private readonly connections = new Set<PreviewConnection>();
  private readonly handlers: Handlers;
  private readonly opts: PreviewBackendOptions;
  private discoveries = 0;
  private txnCounter = 0;
  /** room ID → the event our read marker is on (setFullyRead), sent with the room in each first sync. */
  private readonly fullyRead = new Map<string, string>();
  private readonly spaceRowid = this.rowid();

  constructor(opts: PreviewBackendOptions) {
    this.opts = opts;
    this.rooms = buildRooms(Date.now(), () => this.rowid());
    if (opts.bigAccount) {
      for (const [id, r] of buildBigAccount(Date.now(), () => this.rowid(), opts.bigAccount.rooms, opts.bigAccount.events)) this.rooms.set(id, r);
    }
    const hq = this.rooms.get('!hq:matrix.org');
    if (opts.crowd && hq) addCrowd(hq, opts.crowd, Date.now(), () => this.rowid());
    this.clientState = opts.loggedIn ? loggedInState(`https://matrix.${SERVER}`) : loggedOutState();
    this.handlers = this.createHandlers();
  }

  connect(send: EnvelopeSink): BackendConnection {
    const conn = new PreviewConnection(send);
    const dispatcher = new Dispatcher(this.handlers, send, previewLogger);
    this.connections.add(conn);
    conn.push('run_id', { run_id: 'preview-run', etag: 'preview', vapid_key: '' });
    conn.push('client_state', this.clientState);
    if (this.clientState.is_logged_in) this.sendInitialSync(conn);
    return {
      receive: (raw) => { dispatcher.receive(raw); },
      close: () => {
        this.connections.delete(conn);
        dispatcher.close();
      },
    };
  }

  /** Changes how long answers to paginate take from now on: a test of slow history pages, within one running host. */
  setPaginateDelay(ms: number): void {
    this.opts.paginateDelayMs = ms;
  }

  /** Pushes an event to every connected page. */
  broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void {
    for (const conn of this.connections) conn.push(command, data);
  }

  /** A message from someone else, as a sync would deliver it. */
  receiveMessage(roomId: string, sender: string, body: string): void {
    const r = this.rooms.get(roomId);
    if (!r) return;
    const ev: Event = {
      rowid: this.rowid(), timeline_rowid: r.nextTimelineRowid++, room_id: roomId, event_id: `$in${this.rowid()}`, sender,
      type: 'm.room.message', timestamp: Date.now(), content: { msgtype: 'm.text', body },
    };
    r.timeline.push(ev);
    r.meta = { ...r.meta, preview_event_rowid: ev.rowid, sorting_timestamp: ev.timestamp, unread_messages: r.meta.unread_messages + 1 };
    this.broadcast('sync_complete', {
      rooms: { [roomId]: { meta: r.meta, events: [ev], timeline: [{ timeline_rowid: ev.timeline_rowid, event_rowid: ev.rowid }] } },
    });
  }

  /** Someone else's reaction to a message, as a sync would deliver it (the message comes again with its new counts). */
  receiveReaction(roomId: string, sender: string, eventId: string, key: string): void {
    const r = this.room(roomId);
    const target = r.timeline.find((e) => e.event_id === eventId);
    if (!target) throw new Error(`no event ${eventId} to react to`);
    const rowid = this.rowid();
    const ev: Event = {
      rowid, timeline_rowid: r.nextTimelineRowid++, room_id: roomId, event_id: `$in${rowid}`, sender, type: 'm.reaction',
      timestamp: Date.now(), content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } },
      relation_type: 'm.annotation', relates_to: eventId,
    };
    r.timeline.push(ev);
    target.reactions = { ...target.reactions, [key]: (target.reactions?.[key] ?? 0) + 1 };
    this.broadcast('sync_complete', {
      rooms: { [roomId]: { events: [ev, { ...target }], timeline: [{ timeline_rowid: ev.timeline_rowid, event_rowid: ev.rowid }] } },
    });
  }

  /**
   * Our read marker (m.fully_read) on the message `back` messages before the room's newest (0: the newest), or none:
   * the pages that open the room from now on draw the "New messages" line under it (a sync brings it with the room).
   */
  setFullyRead(roomId: string, back: number | null): void {
    const messages = this.room(roomId).timeline.filter((e) => e.type === 'm.room.message');
    const at = back === null ? undefined : messages.at(-1 - back);
    if (at) this.fullyRead.set(roomId, at.event_id);
    else this.fullyRead.delete(roomId);
  }

  /** `userIds` have read up to the room's newest event (public read receipts, as a sync would bring them). */
  setReadUpToNewest(roomId: string, userIds: readonly string[]): void {
    const r = this.room(roomId);
    const newest = r.timeline.at(-1);
    if (!newest) return;
    const receipts = userIds.map((user_id, i) => ({ user_id, receipt_type: 'm.read', event_id: newest.event_id, timestamp: Date.now() + i }));
    this.broadcast('sync_complete', { rooms: { [roomId]: { meta: r.meta, receipts: { [newest.event_id]: receipts } } } });
  }

  /** Someone starts or stops typing in a room. */
  setTyping(roomId: string, userIds: string[]): void {
    this.broadcast('typing', { room_id: roomId, user_ids: userIds });
  }

  private rowid(): number {
    return this.nextRowid++;
  }

  private room(roomId: string): FakeRoom {
    const r = this.rooms.get(roomId);
    if (!r) throw new Error('room not found');
    return r;
  }

  private sendInitialSync(conn: PreviewConnection): void {
    const rooms: Record<string, SyncRoom> = {};
    for (const [id, r] of this.rooms) {
      const recent = r.timeline.slice(-r.initialCount);
      // Like the real backend, only our own membership comes with the room list; the rest with get_room_state.
      const state = r.stateEvents.filter((e) => e.type !== 'm.room.member' || e.sender === ME);
      rooms[id] = {
        meta: r.meta,
        events: [...recent, ...state],
        timeline: recent.map((e) => ({ timeline_rowid: e.timeline_rowid, event_rowid: e.rowid })),
        state: stateMap(state),
      };
    }
    // A space (not a list row) holding two rooms, a favourite tag and an invitation, as a real account has.
    const spaceCreate: Event = {
      rowid: this.spaceRowid, timeline_rowid: 0, room_id: SPACE_ID, event_id: '$space-create', sender: people.alice.id,
      type: 'm.room.create', state_key: '', timestamp: 1, content: { type: 'm.space', room_version: '11' },
    };
    rooms[SPACE_ID] = {
      meta: {
        room_id: SPACE_ID, name: 'Lattice Project', name_quality: 3, avatar: `mxc://${SERVER}/space`, explicit_avatar: true,
        creation_content: { type: 'm.space' }, has_member_list: true, preview_event_rowid: 0, sorting_timestamp: 1,
        unread_highlights: 0, unread_notifications: 0, unread_messages: 0,
      },
      events: [spaceCreate], state: stateMap([spaceCreate]),
    };
    for (const [id, event_id] of this.fullyRead) {
      rooms[id].account_data = { 'm.fully_read': { user_id: ME, room_id: id, type: 'm.fully_read', content: { event_id } } };
    }
    const fav = rooms[FAVOURITE_ID];
    if (fav) fav.account_data = { 'm.tag': { user_id: ME, room_id: FAVOURITE_ID, type: 'm.tag', content: { tags: { 'm.favourite': { order: 0.5 } } } } };
    conn.push('sync_complete', {
      clear_state: true, since: 's1', rooms,
      space_edges: { [SPACE_ID]: SPACE_CHILDREN.map((child_id) => ({ child_id })) },
      top_level_spaces: [SPACE_ID],
      invited_rooms: [{
        room_id: INVITE_ID, created_at: Date.now() - 3_600_000, invited_by: people.carol.id, name: 'Launch Party 🎉',
        invite_state: [],
      }],
    });
    conn.push('sync_status', { type: 'ok', error_count: 0 });
    conn.push('init_complete', {});
  }

  private createHandlers(): Handlers {
    return {
      get_state: () => this.clientState,

      get_login_flows: () => ({ flows: [{ type: 'm.login.password' }] }),

      discover_homeserver: async ({ user_id }) => {
        const server = /^@[^:]+:(.+)$/.exec(user_id)?.[1];
        await sleep(this.opts.discoveryDelaysMs?.[this.discoveries++] ?? 150);
        if (!server || server.endsWith('.invalid')) throw new Error(`failed to discover homeserver: lookup ${server ?? user_id}: no such host`);
        return { 'm.homeserver': { base_url: `https://matrix.${server}` } };
      },

      login: async ({ homeserver_url, password }) => {
        await sleep(400);
        if (homeserver_url.includes('unreachable')) {
          throw new Error(`Could not reach the homeserver at ${homeserver_url}: connection refused (is the server running and is the address right?)`);
        }
        if (password !== GOOD_PASSWORD) throw new Error('Wrong user name or password.');
        this.clientState = loggedInState(homeserver_url);
        afterReply(() => {
          for (const conn of this.connections) {
            conn.push('client_state', this.clientState);
            this.sendInitialSync(conn);
          }
        });
        return true;
      },

      get_slash_commands: () => [
        { name: 'me', aliases: [], usage: '/me <message>', summary: 'Send an emote', args: [], messagePrefix: true },
      ],

      login_custom: () => {
        throw new Error('the preview backend only signs in with a password');
      },

      logout: () => {
        this.clientState = loggedOutState();
        afterReply(() => { this.broadcast('client_state', this.clientState); });
        return true;
      },

      get_room_state: async ({ room_id }) => {
        const r = this.room(room_id);
        await sleep(80);
        return r.stateEvents;
      },

      // Settings → Emoji & stickers reads every room's packs this way, and the composer a space's or another room's.
      get_state_of_types: ({ types, room_ids }) => [...this.rooms.values()]
        .filter((r) => !room_ids || room_ids.includes(r.meta.room_id))
        .flatMap((r) => r.stateEvents.filter((e) => types.includes(e.type))),
      get_specific_room_state: ({ keys }) => keys.flatMap((k) => this.rooms.get(k.room_id)?.stateEvents
        .find((e) => e.type === k.type && e.state_key === k.state_key) ?? []),

      paginate: async ({ room_id, max_timeline_id, limit }) => {
        const r = this.room(room_id);
        const max = max_timeline_id ?? Infinity;
        await sleep(this.opts.paginateDelayMs);
        const older = r.timeline.filter((e) => e.timeline_rowid < max).slice(-(limit ?? 50)).reverse();
        const lowest = older.length ? older[older.length - 1].timeline_rowid : max;
        const resp: PaginationResponse = {
          events: older, receipts: {}, related_events: [],
          has_more: r.timeline.some((e) => e.timeline_rowid < lowest), from_server: false,
        };
        return resp;
      },

      send_message: ({ room_id, text, relates_to }) => {
        const r = this.room(room_id);
        if (!text?.trim()) throw new Error('the preview backend only sends text');
        const txn = `txn${++this.txnCounter}${Date.now()}`;
        const echo: Event = {
          rowid: this.rowid(), timeline_rowid: 0, room_id: r.meta.room_id, event_id: `~${txn}`, sender: ME,
          type: 'm.room.message', timestamp: Date.now(),
          content: { msgtype: 'm.text', body: text, ...(relates_to ? { 'm.relates_to': relates_to } : {}) },
          transaction_id: txn, send_error: NOT_SENT,
          ...(/\*\*|`/.test(text) ? { local_content: { sanitized_html: markdownish(text) } } : {}),
        };
        void this.completeSend(r, echo, text.toLowerCase().includes('fail'));
        return echo;
      },

      send_event: ({ room_id, type, content }) => {
        if (type !== 'm.reaction') throw new Error('the preview backend sends only reactions as custom events');
        const r = this.room(room_id);
        const rel = content['m.relates_to'] as { event_id?: string; key?: string } | undefined;
        const target = r.timeline.find((e) => e.event_id === rel?.event_id);
        if (!target || !rel?.key) throw new Error('no such event to react to');
        const txn = `txn${++this.txnCounter}${Date.now()}`;
        const echo: Event = {
          rowid: this.rowid(), timeline_rowid: 0, room_id, event_id: `~${txn}`, sender: ME, type, timestamp: Date.now(), content,
          transaction_id: txn, send_error: NOT_SENT, relation_type: 'm.annotation', relates_to: target.event_id,
        };
        afterReply(() => {
          const placed: Event = { ...echo, event_id: `$${txn}`, send_error: undefined, timeline_rowid: r.nextTimelineRowid++ };
          r.timeline.push(placed);
          target.reactions = { ...target.reactions, [rel.key!]: (target.reactions?.[rel.key!] ?? 0) + 1 };
          this.broadcast('send_complete', { event: placed, error: null });
          this.broadcast('sync_complete', { rooms: { [room_id]: {
            events: [placed, { ...target }], timeline: [{ timeline_rowid: placed.timeline_rowid, event_rowid: placed.rowid }],
          } } });
        });
        return echo;
      },

      resend_event: () => {
        throw new Error('the preview backend does not resend messages');
      },

      discard_event: () => {
        throw new Error('the preview backend does not discard messages');
      },

      mute_room: ({ muted }) => muted,

      update_push_rule: () => true,

      get_room_notification_setting: () => 'all',

      set_room_notification_setting: ({ setting }) => setting,
      // The preview's rooms are not encrypted: there is no key to share.
      ensure_group_session_shared: () => true,
      rerequest_session: () => true,

      mark_read: ({ room_id }) => {
        const r = this.room(room_id);
        r.meta = { ...r.meta, unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
        afterReply(() => { this.broadcast('sync_complete', { rooms: { [r.meta.room_id]: { meta: r.meta } } }); });
        return true;
      },

      // The composer and the idle tracker send these as a matter of course; the preview has no one to tell.
      set_typing: ({ room_id, timeout }) => {
        this.typingNotices.push({ roomId: room_id, timeout: timeout ?? 0 });
        return true;
      },
      set_presence: () => true,
      // The preview's sync never fails, so it never waits to try again.
      retry_sync: () => false,
      // Settings → Security shows it: a verified session whose keys are all backed up.
      get_key_backup_status: () => ({ version: '1', server_key_count: 128, enabled: true, device_key_count: 128, device_backed_up_count: 128 }),
      // Asked on every connect for verifications already under way: the preview has none.
      get_verifications: () => [],
      // The space home lists the made-up space's rooms, joined or not.
      get_space_hierarchy: ({ room_id }) => fakeHierarchy(room_id, this.rooms),
      // The report dialogs' success path: the made-up homeserver takes every report (after a moment, as a real one).
      report_event: async () => { await sleep(300); return true; },
      report_room: async () => { await sleep(300); return true; },
      report_user: async () => { await sleep(300); return true; },
      // The made-up people are all of the made-up homeserver: no other server's contacts to show.
      get_server_support: () => null,
      get_mentions: ({ max_timestamp, limit }) => fakeMentions(this.rooms, max_timestamp, limit),
      // Commands the UI does not use yet: named here, so a new command still breaks this file until it is listed.
      ...notInPreview(
        'set_membership', 'join_room', 'knock_room', 'leave_room', 'create_room', 'resolve_alias', 'check_alias', 'get_public_rooms', 'search_user_directory', 'get_room_aliases', 'create_alias', 'delete_alias', 'get_room_summary',
        'get_profile', 'set_profile_field', 'get_mutual_rooms', 'get_account_info',
        'set_account_data', 'send_to_device', 'set_state', 'redact_event',
        'update_delayed_event', 'get_versions', 'get_capabilities', 'get_media_config', 'get_turn_servers',
        'get_rtc_transports', 'get_url_preview', 'request_openid_token', 'calculate_room_id', 'listen_to_device',
        'register_push', 'get_presence', 'ignore_user', 'unignore_user', 'get_ignored_users',
        'upgrade_room', 'join_successor_room', 'set_history_visibility',
        'register_push', 'get_event', 'get_event_by_rowid', 'get_related_events', 'get_edit_history', 'get_event_context',
        'paginate_manual', 'timestamp_to_event', 'get_threads', 'get_receipts', 'search_local', 'search_server',
        'upload_media', 'download_media', 'get_picture',
        'track_user_devices', 'get_profile_encryption_info', 'get_own_devices', 'pin_user_identity', 'reset_master_key_tofu',
        'request_verification', 'accept_verification', 'start_sas', 'confirm_sas', 'cancel_verification',
        'rename_device', 'delete_devices', 'change_password', 'deactivate_account',
        'register_homeserver_push', 'send_sticky_event', 'get_sticky_events',
        'verify', 'generate_recovery_key', 'reset_encryption', 'check_backup_key', 'export_keys', 'import_keys',
        'restore_key_backup',
      ),
    };
  }

  /** What happens after the local echo: the server accepts (or refuses) the event, then a sync places it. */
  private async completeSend(r: FakeRoom, echo: Event, fails: boolean): Promise<void> {
    await sleep(fails ? 700 : 900);
    if (fails) {
      this.broadcast('send_complete', { event: echo, error: 'You are not allowed to send this in this room: it takes power level 50, and yours is 0.' });
      return;
    }
    const sent: Event = { ...echo, event_id: `$${echo.transaction_id}`, send_error: undefined };
    this.broadcast('send_complete', { event: sent, error: null });
    await sleep(300);
    const placed: Event = { ...sent, timeline_rowid: r.nextTimelineRowid++ };
    r.timeline.push(placed);
    r.meta = { ...r.meta, preview_event_rowid: placed.rowid, sorting_timestamp: placed.timestamp };
    const sync: SyncComplete = {
      rooms: { [r.meta.room_id]: { meta: r.meta, events: [placed], timeline: [{ timeline_rowid: placed.timeline_rowid, event_rowid: placed.rowid }] } },
    };
    this.broadcast('sync_complete', sync);
  }
}
