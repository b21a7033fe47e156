/** The global m.direct account data (user ID → DM room IDs): read from the store, written through the server. */
import type { JSONObject } from '../../../shared/rpc/index.ts';
import type { CommandContext } from './context.ts';

/** Adds `roomId` to the DMs with `userId`, unless it is there already. Sync brings the change back to the store. */
export async function markDirectChat(ctx: CommandContext, userId: string, roomId: string): Promise<void> {
  const s = ctx.requireSession();
  const current = ctx.store.account.getAccountData('', 'm.direct') ?? {};
  const rooms = Array.isArray(current[userId]) ? current[userId].filter((r): r is string => typeof r === 'string') : [];
  if (rooms.includes(roomId)) return;
  const next: JSONObject = { ...current, [userId]: [...rooms, roomId] };
  await s.client.account.setAccountData(s.userId, 'm.direct', next);
}
