/**
 * The gomuks wire schemas themselves: they accept payloads shaped exactly as gomuks marshals them (nulls for
 * empty non-omitempty fields, omitted omitempty fields), reject the differences they exist to catch, and the
 * command table lists every request name of gomuks' commands.go.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandSchemas, isCommandName } from '../../src/shared/rpc/index.ts';
import { envelopeCommands, gomuksCommands, newerGomuksCommands } from './gomuks-commands.ts';
import * as T from './gomuks-types.ts';

const event = {
  rowid: 7, timeline_rowid: 3, room_id: '!r:example.org', event_id: '$e', sender: '@bob:example.org',
  type: 'm.room.message', timestamp: 1_700_000_000_000, content: { msgtype: 'm.text', body: 'hi' }, unsigned: {},
  local_content: { sanitized_html: 'hi', was_plaintext: true }, reactions: { '👍': 2 }, last_edit_rowid: 0, unread_type: 1,
};
const room = {
  room_id: '!r:example.org', name: 'R', name_quality: 3, explicit_avatar: false, has_member_list: true,
  lazy_load_summary: { 'm.heroes': ['@bob:example.org'], 'm.joined_member_count': 2 },
  preview_event_rowid: 7, sorting_timestamp: 1_700_000_000_000, unread_highlights: 0, unread_notifications: 1,
  unread_messages: 1, prev_batch: 't1',
};

describe('gomuks wire schemas', () => {
  it('accept a sync_complete as gomuks marshals it, nulls included', () => {
    const sync = {
      account_data: { 'm.direct': { user_id: '@me:example.org', type: 'm.direct', content: {} } },
      rooms: {
        '!r:example.org': {
          meta: room, timeline: [{ timeline_rowid: 3, event_rowid: 7 }], reset: false,
          state: { 'm.room.name': { '': 5 } },
          account_data: { 'm.tag': { user_id: '@me:example.org', room_id: '!r:example.org', type: 'm.tag', content: { tags: {} } } },
          events: [event], receipts: null, dismiss_notifications: false, notifications: null,
        },
      },
      left_rooms: null, invited_rooms: null, space_edges: null, top_level_spaces: null,
    };
    assert.deepEqual(T.SyncComplete.safeParse(sync).error?.issues ?? [], []);
  });

  it('reject what Lattice must not send: missing always-present keys, renamed summary keys, bare account data', () => {
    assert.equal(T.SyncComplete.safeParse({ rooms: {} }).success, false);
    assert.equal(T.Room.safeParse({ ...room, lazy_load_summary: { heroes: [] } }).success, false);
    assert.equal(T.AccountData.safeParse({ tags: {} }).success, false);
    assert.equal(T.ClientState.safeParse({ is_initialized: true, is_logged_in: false, is_verified: false }).success, false);
    assert.equal(T.Event.safeParse({ ...event, rowid: 1.5 }).success, false);
  });

  it('accept the other events and responses in gomuks form', () => {
    assert.ok(T.ClientState.safeParse({
      is_initialized: true, is_logged_in: true, is_verified: false, user_id: '@me:example.org', device_id: 'D', homeserver_url: 'https://x',
      verification_state: { is_verified: false, state_checked: true, has_cross_signing: false, has_ssss: false }, displayname: 'Me',
    }).success);
    assert.ok(T.SyncStatus.safeParse({ type: 'ok', error_count: 0, last_sync: 1 }).success);
    assert.ok(T.SendComplete.safeParse({ event, error: null }).success);
    assert.ok(T.Typing.safeParse({ room_id: '!r:example.org', user_ids: null }).success);
    assert.ok(T.PaginationResponse.safeParse({ events: [event], receipts: {}, related_events: null, has_more: true, from_server: false }).success);
    assert.ok(gomuksCommands.mark_read.response.safeParse(true).success);
    assert.equal(gomuksCommands.mark_read.response.safeParse(false).success, false);
  });

  it('list every request of gomuks commands.go, each with a scope', () => {
    const names = [
      'get_state', 'cancel', 'send_message', 'send_event', 'send_sticky_event', 'resend_event', 'report_event', 'redact_event',
      'set_state', 'update_delayed_event', 'set_membership', 'set_account_data', 'mark_read', 'set_typing', 'get_profile',
      'set_profile_field', 'get_mutual_rooms', 'track_user_devices', 'reset_master_key_tofu', 'get_profile_encryption_info',
      'get_own_devices', 'get_event', 'get_event_by_rowid', 'get_event_context', 'paginate_manual', 'search_local',
      'search_server', 'get_mentions', 'get_related_events', 'get_sticky_events', 'get_room_state', 'get_specific_room_state',
      'get_receipts', 'paginate', 'get_room_summary', 'get_space_hierarchy', 'join_room', 'knock_room', 'leave_room',
      'create_room', 'mute_room', 'update_push_rule', 'ensure_group_session_shared', 'send_to_device', 'resolve_alias',
      'request_openid_token', 'logout', 'login', 'login_custom', 'oauth_register_client', 'oauth_get_authorization_url',
      'oauth_exchange_token', 'oauth_generate_device_code', 'oauth_poll_device_code', 'verify', 'generate_recovery_key',
      'reset_encryption', 'discover_homeserver', 'get_login_flows', 'register_push', 'listen_to_device', 'get_turn_servers',
      'get_media_config', 'calculate_room_id', 'rerequest_session', 'get_account_info', 'upload_media', 'download_media',
      'export_keys',
    ];
    assert.deepEqual(Object.keys(gomuksCommands).sort(), [...names].sort());
    // `implemented` means exactly: Lattice's contract has the command (so the table cannot drift from the backend).
    const implemented = Object.keys(gomuksCommands).filter((n) => gomuksCommands[n].scope === 'implemented');
    assert.deepEqual(implemented.filter((n) => !isCommandName(n)), []);
    assert.deepEqual(Object.keys(commandSchemas).filter((n) => n in gomuksCommands && gomuksCommands[n].scope !== 'implemented'), []);
    for (const n of [...newerGomuksCommands, ...envelopeCommands]) assert.ok(!(n in gomuksCommands), n);
  });
});
