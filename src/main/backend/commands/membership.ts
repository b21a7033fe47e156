/**
 * Handlers of the membership area: other people's membership, our own (join, knock, leave), creating rooms,
 * aliases, previews and space hierarchies. The rooms themselves arrive through sync, as in gomuks.
 */
import type { membershipCommands } from '../../../shared/rpc/commands.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { describeAliasCreateError, describeCreateRoomError, describeJoinError, MatrixError } from '../matrix/errors.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { markDirectChat } from './direct-chats.ts';
import { attempt, failure as failureOf } from './failing.ts';

export function membershipHandlers(ctx: CommandContext): AreaHandlers<typeof membershipCommands> {
  const client = () => ctx.requireSession().client;
  return {
    set_membership: async ({ action, room_id: roomId, user_id: userId, reason, msc4293_redact_events: redact }) => {
      await attempt(`${action} ${userId}`, () => client().membership.change(roomId, action, userId, reason, redact));
      return true;
    },
    join_room: async ({ room_id_or_alias: target, via, reason, from_invite: fromInvite }, signal) => {
      const s = ctx.requireSession();
      if (fromInvite) {
        // Accepting a DM invite makes the room a DM for us too (m.direct), as gomuks does, before joining.
        const invite = ctx.store.account.allInvites().find((i) => i.room_id === target);
        if (invite?.is_direct && invite.invited_by) {
          await attempt('mark the room as a direct chat', () => markDirectChat(ctx, invite.invited_by!, target));
        }
      }
      const r = await attempt(`join ${target}`, () => s.client.membership.join(target, via, reason, signal).catch((e: unknown) => {
        // Our own sentence where it says more than "Could not join ...: <the server's words>".
        const words = describeJoinError(e, target);
        throw words === undefined ? e : new Error(words, { cause: e });
      }));
      return { room_id: r.room_id };
    },
    knock_room: async ({ room_id_or_alias: target, via, reason }, signal) => {
      const r = await attempt(`knock on ${target}`, () => client().membership.knock(target, via, reason, signal));
      return { room_id: r.room_id };
    },
    leave_room: async ({ room_id: roomId, reason }) => {
      let failure: unknown;
      try {
        await client().membership.leave(roomId, reason);
      } catch (e) {
        failure = e;
      }
      // An invite the server no longer knows (or forbids us to answer) is gone either way: drop it locally, as
      // gomuks does, so it does not stay in the room list forever.
      if (failure === undefined || isGone(failure)) {
        if (ctx.store.account.deleteInvite(roomId)) ctx.broadcast('sync_complete', { left_rooms: [roomId] });
      }
      if (failure !== undefined) throw failureOf('leave the room', failure);
      return {};
    },
    create_room: async (request, signal) => {
      const s = ctx.requireSession();
      const r = await attempt('create the room', () => s.client.membership.createRoom(request as JSONObject, signal).catch((e: unknown) => {
        // A taken or impossible address in words that name it, rather than the server's "Room alias already taken".
        const words = describeCreateRoomError(e, request.room_alias_name, s.userId.slice(s.userId.indexOf(':') + 1));
        throw words === undefined ? e : new Error(words, { cause: e });
      }));
      // A DM we start is ours to record in m.direct (the spec leaves it to the inviting client, as Element does it):
      // without it the room would be no DM for us, and starting a chat with the same person would make another.
      const [invitee, ...others] = request.invite ?? [];
      if (request.is_direct && invitee !== undefined && others.length === 0) {
        try {
          await markDirectChat(ctx, invitee, r.room_id);
        } catch (e) {
          throw failureOf(`mark the new room ${r.room_id} as your direct chat with ${invitee} (it was created and is in your room list)`, e);
        }
      }
      return { room_id: r.room_id };
    },
    resolve_alias: async ({ alias }, signal) => {
      const r = await attempt(`resolve ${alias}`, () => client().membership.resolveAlias(alias, signal));
      return { room_id: r.room_id, servers: r.servers ?? [] };
    },
    check_alias: async ({ alias }, signal) => {
      const roomId = await attempt(`check whether ${alias} is free`, () => client().membership.resolveAlias(alias, signal).then(
        (r) => r.room_id,
        // The directory's "no such address" is the answer asked for, not a failure.
        (e: unknown) => { if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null; throw e; },
      ));
      return { room_id: roomId };
    },
    get_room_aliases: async ({ room_id: roomId }, signal) => {
      const r = await attempt('list the room\'s addresses', () => client().membership.roomAliases(roomId, signal));
      return (r.aliases ?? []).filter((a) => typeof a === 'string');
    },
    create_alias: async ({ alias, room_id: roomId }) => {
      const c = client();
      await attempt(`create ${alias}`, () => c.membership.createAlias(alias, roomId).catch((e: unknown) => {
        const words = describeAliasCreateError(e, alias);
        throw words === undefined ? e : new Error(words, { cause: e });
      }));
      return {};
    },
    delete_alias: async ({ alias }) => {
      await attempt(`delete ${alias}`, () => client().membership.deleteAlias(alias));
      return {};
    },
    get_room_summary: async ({ room_id_or_alias: target, via }, signal) => {
      const r = await attempt(`preview ${target}`, () => client().membership.roomSummary(target, via, signal));
      if (typeof r.room_id !== 'string') throw new Error(`The homeserver's summary of ${target} has no room ID.`);
      return { ...r, room_id: r.room_id };
    },
    get_space_hierarchy: async ({ room_id: roomId, from, limit, max_depth: maxDepth, suggested_only: suggestedOnly }, signal) => {
      const r = await attempt(`read the space ${roomId}`, () =>
        client().membership.hierarchy(roomId, { from, limit, maxDepth: maxDepth ?? undefined, suggestedOnly }, signal));
      return { rooms: r.rooms ?? [], ...(r.next_batch ? { next_batch: r.next_batch } : {}) };
    },
  };
}

function isGone(e: unknown): boolean {
  // Synapse answers M_UNKNOWN "Not a known room" for an invite it has forgotten.
  return e instanceof MatrixError && (e.errcode === 'M_NOT_FOUND' || e.errcode === 'M_FORBIDDEN' || /Not a known room/i.test(e.message));
}
