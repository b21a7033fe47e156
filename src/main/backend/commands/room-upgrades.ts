/**
 * Handlers of the room-upgrades area: upgrade a room, follow its tombstone to the successor, set history
 * visibility. Power levels are checked against the stored state first, so a refusal names the level needed.
 */
import type { roomUpgradeCommands } from '../../../shared/rpc/commands.ts';
import { MatrixError } from '../matrix/errors.ts';
import { requireStateLevel, roomPower } from '../rooms/power-levels.ts';
import type { AreaHandlers, CommandContext } from './context.ts';

export function roomUpgradeHandlers(ctx: CommandContext): AreaHandlers<typeof roomUpgradeCommands> {
  return {
    upgrade_room: async ({ room_id: roomId, new_version: newVersion }, signal) => {
      const s = ctx.requireSession();
      const room = ctx.requireRoom(roomId);
      const replacement = room.tombstone?.replacement_room;
      if (typeof replacement === 'string') throw new Error(`This room has already been upgraded (to ${replacement}).`);
      requireStateLevel(roomPower(ctx.store, roomId, s.userId), 'm.room.tombstone', 'upgrade this room');
      try {
        return await s.client.roomAdmin.upgrade(roomId, newVersion, signal);
      } catch (e) {
        if (e instanceof MatrixError && e.errcode === 'M_UNSUPPORTED_ROOM_VERSION') {
          throw new Error(`The homeserver does not support room version "${newVersion}".`);
        }
        if (e instanceof MatrixError) throw new Error(`The homeserver refused to upgrade the room: ${e.message} (${e.errcode}).`);
        throw e;
      }
    },
    join_successor_room: async ({ room_id: roomId }, signal) => {
      const s = ctx.requireSession();
      ctx.requireRoom(roomId);
      const tombstone = ctx.store.state.get(roomId, 'm.room.tombstone');
      const successor = tombstone?.content.replacement_room;
      if (typeof successor !== 'string' || successor === '') throw new Error('This room has not been upgraded: it has no successor to join.');
      // The upgrader's server is in the new room for sure; ours may not be yet (over federation).
      const via = [...new Set([serverOf(tombstone!.sender), serverOf(s.userId)].filter((x) => x !== ''))];
      try {
        return { room_id: (await s.client.membership.join(successor, via, undefined, signal)).room_id };
      } catch (e) {
        // Typically an invite-only successor: whoever upgraded it has to invite the members.
        if (e instanceof MatrixError) throw new Error(`Could not join the room that replaced this one (${successor}): ${e.message}`);
        throw e;
      }
    },
    set_history_visibility: async ({ room_id: roomId, history_visibility: visibility }) => {
      const s = ctx.requireSession();
      ctx.requireRoom(roomId);
      requireStateLevel(roomPower(ctx.store, roomId, s.userId), 'm.room.history_visibility', "change who can read this room's history");
      const { event_id: eventId } = await s.client.roomActions.setState(roomId, 'm.room.history_visibility', '', { history_visibility: visibility });
      if (eventId === undefined) throw new Error('The homeserver did not say which event it created.');
      return eventId;
    },
  };
}

function serverOf(userId: string): string {
  const i = userId.indexOf(':');
  return i < 0 ? '' : userId.slice(i + 1);
}
