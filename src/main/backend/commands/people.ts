/** Handlers of the people area: profiles, shared rooms, the account, account data, typing and to-device messages. */
import { randomBytes } from 'node:crypto';
import type { peopleCommands } from '../../../shared/rpc/commands.ts';
import type { JSONObject, JSONValue } from '../../../shared/rpc/index.ts';
import { isUnrecognized } from '../matrix/api/membership.ts';
import type { Store } from '../store/store.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { attempt, failure } from './failing.ts';

/** Pages of mutual rooms read at most, as gomuks: enough for anyone, bounded for a server that loops. */
const MUTUAL_ROOMS_PAGES = 5;

export function peopleHandlers(ctx: CommandContext): AreaHandlers<typeof peopleCommands> {
  return {
    get_profile: ({ user_id: userId }, signal) =>
      attempt(`read the profile of ${userId}`, () => ctx.requireSession().client.profile.get(userId, signal)),
    set_profile_field: async ({ field, value }) => {
      const s = ctx.requireSession();
      await attempt(`set your ${field}`, () => s.client.profile.setField(s.userId, field, value as JSONValue));
      // client_state carries our name and avatar: frontends showing them (settings, the account menu) update now.
      if ((field === 'displayname' || field === 'avatar_url') && (typeof value === 'string' || value === null)) {
        if (value) s.profile[field] = value;
        else delete s.profile[field];
        ctx.broadcast('client_state', ctx.clientState());
      }
      return true;
    },
    get_mutual_rooms: async ({ user_id: userId }, signal) => {
      const s = ctx.requireSession();
      const rooms = new Set<string>();
      let from: string | undefined;
      try {
        for (let page = 0; page < MUTUAL_ROOMS_PAGES; page++) {
          const r = await s.client.profile.mutualRooms(userId, from, signal);
          // The server's JSON: only room IDs are taken, and a token that is no string ends the walk.
          for (const id of Array.isArray(r.joined) ? r.joined : []) if (typeof id === 'string') rooms.add(id);
          from = typeof r.next_batch === 'string' ? r.next_batch : undefined;
          if (!from) break;
        }
      } catch (e) {
        // A server without MSC2666: what this device knows is the best answer there is.
        if (!isUnrecognized(e)) throw failure(`list the rooms you share with ${userId}`, e);
        for (const id of localMutualRooms(ctx.store, userId)) rooms.add(id);
      }
      return [...rooms].sort();
    },
    get_account_info: () => {
      const s = ctx.requireSession();
      return { user_id: s.userId, device_id: s.deviceId, access_token: '', homeserver_url: s.homeserverUrl };
    },
    set_account_data: async ({ room_id: roomId, type, content }) => {
      const s = ctx.requireSession();
      await attempt(`set the ${type} account data`, () => s.client.account.setAccountData(s.userId, type, content, roomId));
      return true;
    },
    set_typing: async ({ room_id: roomId, timeout }) => {
      const s = ctx.requireSession();
      ctx.requireRoom(roomId);
      await attempt('send the typing notification', () => s.client.roomActions.typing(roomId, s.userId, timeout ?? 0));
      return true;
    },
    send_to_device: async ({ event_type: type, messages, encrypted }) => {
      if (encrypted) {
        const { crypto } = ctx.requireSession();
        if (!crypto) throw new Error('End-to-end encryption is not running, so no encrypted to-device message can be sent.');
        await attempt(`send the encrypted ${type} to-device event`, () => crypto.sendEncryptedToDevice(type, messages));
        return {};
      }
      const txnId = `latd${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
      await attempt(`send the ${type} to-device event`, () =>
        ctx.requireSession().client.account.sendToDevice(type, txnId, messages as JSONObject));
      return {};
    },
  };
}

/** Joined rooms where `userId`'s stored membership is join. */
function localMutualRooms(store: Store, userId: string): string[] {
  return store.rooms.ids().filter((roomId) => store.state.memberships(roomId).get(userId) === 'join');
}
