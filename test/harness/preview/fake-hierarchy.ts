/**
 * The preview's answer to get_space_hierarchy: the made-up space, the two rooms of it we are in (as fake-data.ts has
 * them) and a few we are not (a suggested public room, a knock room, an invite-only one), in the server's JSON, so
 * the space home has something to show without a homeserver.
 */
import type { RespHierarchy } from '../../../src/shared/rpc/responses.ts';
import type { JSONObject } from '../../../src/shared/rpc/types.ts';
import { SERVER, SPACE_CHILDREN, SPACE_ID, type FakeRoom } from './fake-data.ts';

const NOT_JOINED: JSONObject[] = [
  { room_id: `!roadmap:${SERVER}`, name: 'Roadmap', topic: 'What ships next, and when', num_joined_members: 42, join_rule: 'public' },
  { room_id: `!infra:${SERVER}`, name: 'Infrastructure', topic: 'Servers, CI and the build farm', num_joined_members: 7, join_rule: 'knock' },
  { room_id: `!core:${SERVER}`, name: 'Core Team', num_joined_members: 4, join_rule: 'invite', world_readable: true },
];
/** The space suggests this one (its m.space.child content says so). */
const SUGGESTED = `!roadmap:${SERVER}`;

export function fakeHierarchy(spaceId: string, rooms: ReadonlyMap<string, FakeRoom>): RespHierarchy {
  if (spaceId !== SPACE_ID) throw new Error(`Could not read the space ${spaceId}: not found: Unknown room.`);
  const joined = SPACE_CHILDREN.map((id): JSONObject => {
    const meta = rooms.get(id)?.meta;
    return { room_id: id, name: meta?.name ?? id, ...(meta?.topic ? { topic: meta.topic } : {}), ...(meta?.avatar ? { avatar_url: meta.avatar } : {}),
      num_joined_members: 5, join_rule: 'invite' };
  });
  const children = [...joined, ...NOT_JOINED].map((r, i): JSONObject => ({
    type: 'm.space.child', state_key: r.room_id, origin_server_ts: i + 1, sender: '@alice:lattice.test',
    content: { via: [SERVER], ...(r.room_id === SUGGESTED ? { suggested: true } : {}) },
  }));
  const space: JSONObject = {
    room_id: SPACE_ID, name: 'Lattice Project', avatar_url: `mxc://${SERVER}/space`, room_type: 'm.space', join_rule: 'invite',
    num_joined_members: 48, topic: 'Everything about building Lattice', children_state: children,
  };
  return { rooms: [space, ...joined, ...NOT_JOINED] };
}
