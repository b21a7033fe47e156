/** Handlers of the room actions area: state events, redactions, reports, delayed events and sticky events. */
import { randomBytes } from 'node:crypto';
import type { roomActionCommands } from '../../../shared/rpc/commands.ts';
import type { AreaHandlers, CommandContext } from './context.ts';
import { activeStickyEvents } from '../reading/sticky-events.ts';
import { spaceLoopReason } from '../../../shared/space-loops.ts';
import { attempt } from './failing.ts';

export function roomActionHandlers(ctx: CommandContext): AreaHandlers<typeof roomActionCommands> {
  const client = () => ctx.requireSession().client;
  return {
    set_state: async ({ room_id: roomId, type, state_key: stateKey, content, delay_ms: delayMs }) => {
      const c = client();
      const space = ctx.requireRoom(roomId);
      // Listing a space that holds this one would make a loop the space tree cannot show; emptying an entry is fine.
      if (type === 'm.space.child' && Array.isArray(content.via) && content.via.length > 0) {
        const nameOf = (id: string) => ctx.store.rooms.get(id)?.name ?? id;
        const loop = spaceLoopReason(ctx.store.spaces.all(), roomId, stateKey, nameOf);
        if (loop) throw new Error(`Could not add ${nameOf(stateKey)} to ${stateKey === roomId ? 'itself' : space.name ?? roomId}: ${loop}`);
      }
      const r = await attempt(`set the ${type} state`, () => c.roomActions.setState(roomId, type, stateKey, content, delayMs));
      // A delayed event has no event ID yet; gomuks answers its delay ID in the same place.
      const id = r.delay_id ?? r.event_id;
      if (typeof id !== 'string') throw new Error(`The homeserver accepted the ${type} state but sent no event ID.`);
      return id;
    },
    redact_event: async ({ room_id: roomId, event_id: eventId, reason }) => {
      const c = client();
      ctx.requireRoom(roomId);
      const txnId = `latr${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
      const r = await attempt(`redact ${eventId}`, () => c.roomActions.redact(roomId, eventId, txnId, reason));
      return { event_id: r.event_id };
    },
    report_event: async ({ room_id: roomId, event_id: eventId, reason }) => {
      // Worded for the person who reported it (the event ID means nothing to them); the reason follows.
      await attempt('report this message', () => client().roomActions.report(roomId, eventId, reason));
      return true;
    },
    report_room: async ({ room_id: roomId, reason }) => {
      // Not required to be a room we know: one may report a room after leaving it, and the server decides.
      await attempt('report this room', () => client().roomActions.reportRoom(roomId, reason));
      return true;
    },
    report_user: async ({ user_id: userId, reason }) => {
      // Anyone may be reported, sharing a room or not; the server decides whether it files it.
      await attempt('report this user', () => client().roomActions.reportUser(userId, reason));
      return true;
    },
    update_delayed_event: async ({ delay_id: delayId, action }) => {
      await attempt(`${action} the delayed event ${delayId}`, () => client().roomActions.updateDelayedEvent(delayId, action));
      return {};
    },
    send_sticky_event: async ({ room_id: roomId, type, content, sticky_duration_ms: stickyMs, delay_ms: delayMs }) => {
      const c = client();
      ctx.requireRoom(roomId);
      const txnId = `lats${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
      const r = await attempt(`send the sticky ${type} event`, () => c.roomActions.sendSticky(roomId, type, txnId, content, stickyMs, delayMs));
      // Delayed, it has no event ID yet; gomuks answers its delay ID in the same place.
      const id = r.delay_id ?? r.event_id;
      if (typeof id !== 'string') throw new Error(`The homeserver accepted the sticky ${type} event but sent no event ID.`);
      return id;
    },
    get_sticky_events: ({ room_id: roomId }) => {
      ctx.requireSession();
      ctx.requireRoom(roomId);
      return activeStickyEvents(ctx.store.db, roomId, Date.now());
    },
  };
}
