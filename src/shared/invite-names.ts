/**
 * What an invitation is called, read from the invite's stripped state: the room's name as the spec names rooms
 * (m.room.name, then the canonical alias, then the members: here the one we know, the inviter), the inviter's
 * display name, and whether it is a space. Shared so the room list, the renderer's notifications and the desktop
 * shell's notifications all call an invitation the same thing.
 */
import type { InvitedRoom, JSONObject } from './rpc/types.ts';

/** `@alice:example.org` → `alice`. */
function localpart(userId: string): string {
  const m = /^@([^:]+)/.exec(userId);
  return m ? m[1] : userId;
}

/** The content of the state event (type, key) in an invite's stripped state, if it is there and an object. */
function inviteState(invite: InvitedRoom, type: string, key = ''): JSONObject | undefined {
  const content = invite.invite_state.find((e) => e.type === type && (e.state_key ?? '') === key)?.content;
  return typeof content === 'object' && content !== null && !Array.isArray(content) ? content : undefined;
}

/** The inviter's display name as the invite's stripped state gives it, else their localpart; null when unknown. */
export function inviterName(invite: InvitedRoom): string | null {
  if (!invite.invited_by) return null;
  const name = inviteState(invite, 'm.room.member', invite.invited_by)?.displayname;
  return typeof name === 'string' && name.trim() ? name.trim() : localpart(invite.invited_by);
}

/** The invite is to a space (its m.room.create in the stripped state says so). */
export function isSpaceInvite(invite: InvitedRoom): boolean {
  return inviteState(invite, 'm.room.create')?.type === 'm.space';
}

/** The invite's name, so a DM or an unnamed room reads "Bob" instead of its room ID. */
export function inviteDisplayName(invite: InvitedRoom): string {
  if (invite.name?.trim()) return invite.name.trim();
  const name = inviteState(invite, 'm.room.name')?.name;
  if (typeof name === 'string' && name.trim()) return name.trim();
  const alias = inviteState(invite, 'm.room.canonical_alias')?.alias;
  if (typeof alias === 'string' && alias) return alias;
  return inviterName(invite) ?? 'Unnamed room';
}
