/**
 * m.mentions for an outgoing message (spec: "User and room mentions"): the users its pills link to (matrix.to or
 * matrix: user links in the markdown) plus any the frontend named, and `room` for "@room" only when the sender's
 * power level allows it (the room's `notifications.room` level, 50 by default).
 */
import { parseMatrixLink } from '../../../shared/matrix-uri.ts';
import type { JSONObject } from '../../../shared/rpc/index.ts';
import { userLevel } from '../rooms/power-levels.ts';
import { scanMarkdown } from './markdown.ts';

// A type alias, not an interface, so that it is a JSONObject as it stands.
export type Mentions = {
  user_ids: string[];
  room?: true;
};

export interface MentionInput {
  /** The markdown the user typed, if any. */
  text?: string;
  /** m.mentions the frontend sent along (e.g. for a reply); merged in. */
  explicit?: JSONObject;
  ownUserId: string;
  /** The room's m.room.power_levels content, if known. */
  powerLevels?: JSONObject;
  /** Our level when it is not in power_levels (room version 12's creators: Infinity); default from powerLevels. */
  ownLevel?: number;
}

export function buildMentions(input: MentionInput): Mentions {
  const users = new Set<string>();
  const explicitUsers = input.explicit?.user_ids;
  if (Array.isArray(explicitUsers)) for (const u of explicitUsers) if (typeof u === 'string') users.add(u);
  const own = input.ownLevel ?? userLevel(input.powerLevels, input.ownUserId);
  const allowed = own >= roomNotifyLevel(input.powerLevels);
  // Asked for outright: refuse with the reason rather than send a message that silently notifies no one.
  if (input.explicit?.room === true && !allowed) {
    throw new Error(`You cannot notify the whole room: @room needs power level ${roomNotifyLevel(input.powerLevels)}, `
      + `and yours is ${own}.`);
  }
  let room = input.explicit?.room === true;
  if (input.text !== undefined) {
    const scan = scanMarkdown(input.text);
    for (const href of scan.links) {
      const parsed = parseMatrixLink(href);
      if (parsed.ok && parsed.link.kind === 'user') users.add(parsed.link.user_id);
    }
    // Typed in passing: the text is sent as written, it just does not ping the room.
    room ||= scan.mentionsRoom && allowed;
  }
  // Mentioning oneself would only make one's own message notify oneself.
  users.delete(input.ownUserId);
  const out: Mentions = { user_ids: [...users] };
  if (room) out.room = true;
  return out;
}

function roomNotifyLevel(pl: JSONObject | undefined): number {
  const n = pl?.notifications;
  const level = n && typeof n === 'object' && !Array.isArray(n) ? n.room : undefined;
  return typeof level === 'number' ? level : 50;
}
