/**
 * Room upgrades and history visibility (Lattice extensions: gomuks has no commands for them). The links between an
 * upgraded room and its successor are on `Room` already: `tombstone.replacement_room` points forward,
 * `creation_content.predecessor.room_id` back. The old room stays joined, so its history stays reachable.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { roomIdField } from './fields.ts';

export const roomUpgradeCommands = {
  /**
   * Upgrades a room to a new room version (the homeserver creates the successor, copies the state and tombstones
   * the old room). Needs the power level for m.room.tombstone; refused beforehand, in words, without it.
   */
  upgrade_room: command(z.object({
    room_id: roomIdField,
    new_version: z.string().min(1).max(64),
  })).returns<{ replacement_room: string }>(),
  /** Joins the room that replaced this one (its m.room.tombstone), through the server of whoever upgraded it. */
  join_successor_room: command(z.object({ room_id: roomIdField })).returns<{ room_id: string }>(),
  /** Sets who may read the room's history (m.room.history_visibility); needs the power level for that state. */
  set_history_visibility: command(z.object({
    room_id: roomIdField,
    history_visibility: z.enum(['world_readable', 'shared', 'invited', 'joined']),
  })).returns<string>(),
} satisfies CommandArea;
