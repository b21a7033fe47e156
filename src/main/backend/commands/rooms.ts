/** Handlers of the rooms area: history, room state and read receipts. */
import type { roomCommands } from '../../../shared/rpc/commands.ts';
import { decryptFetched } from '../crypto/decrypt-fetched.ts';
import { paginate } from '../rooms/paginate.ts';
import { getRoomState } from '../rooms/room-state.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

const DEFAULT_PAGE = 50;

export function roomHandlers(ctx: CommandContext): AreaHandlers<typeof roomCommands> {
  return {
    paginate: ({ room_id: roomId, max_timeline_id: maxTimelineId, limit }, signal) => {
      const session = ctx.requireSession();
      return paginate(ctx.store, session.client, roomId, maxTimelineId, limit ?? DEFAULT_PAGE, signal,
        (room, events) => decryptFetched(session.crypto, room, events));
    },
    get_room_state: async ({ room_id: roomId, refetch, fetch_members: fetchMembers, include_members: includeMembers }, signal) => {
      const { state, updatedRoom } = await getRoomState(ctx.store, ctx.requireSession().client, roomId,
        { refetch, fetchMembers, includeMembers }, signal);
      if (updatedRoom) ctx.broadcast('sync_complete', { rooms: { [roomId]: { meta: updatedRoom } } });
      return state;
    },
    mark_read: async ({ room_id: roomId, event_id: eventId, receipt_type: receiptType }) => {
      const s = ctx.requireSession();
      ctx.requireRoom(roomId);
      await s.client.rooms.setReadMarkers(roomId, { [receiptType]: eventId, 'm.fully_read': eventId });
      // The server's counts follow in the next sync; clear them now so the badge goes away at once. The row is read
      // after the request: a sync during it may have changed the room, and an older copy would undo that.
      const room = ctx.store.rooms.get(roomId);
      if (room && (room.unread_messages || room.unread_notifications || room.unread_highlights)) {
        const updated = { ...room, unread_messages: 0, unread_notifications: 0, unread_highlights: 0 };
        ctx.store.rooms.save(updated);
        ctx.broadcast('sync_complete', { rooms: { [roomId]: { meta: updated } } });
      }
      return true;
    },
  };
}
