/**
 * What a room preview offers, from the room's join rule and our membership as get_room_summary tells them (the
 * spec's join rules: public, knock, invite, private, restricted, knock_restricted). Pure, so each case is a unit
 * test row. The first action is the main button.
 */
export type PreviewAction = 'join' | 'accept' | 'decline' | 'knock';

export interface PreviewOffer {
  readonly actions: readonly PreviewAction[];
  /** Why there is nothing (or only this) to do, in words; null when the buttons say it all. */
  readonly note: string | null;
}

export function previewActions({ joinRule, membership, summaryFailed }: {
  joinRule: string | undefined;
  membership: string | undefined;
  summaryFailed: boolean;
}): PreviewOffer {
  switch (membership) {
    case 'invite': return { actions: ['accept', 'decline'], note: null };
    case 'ban': return { actions: [], note: 'You are banned from this room.' };
    case 'knock': return { actions: [], note: 'You asked to join. A member of the room has to let you in.' };
    default: break;
  }
  // Without a summary we do not know the rule: joining is the one way to find out (the server says why not).
  if (summaryFailed || joinRule === undefined) return { actions: ['join'], note: null };
  switch (joinRule) {
    case 'public': return { actions: ['join'], note: null };
    // Members of the allowed rooms or spaces get in; the server decides.
    case 'restricted': return { actions: ['join'], note: null };
    case 'knock': return { actions: ['knock'], note: 'This room lets people in on request.' };
    case 'knock_restricted': return { actions: ['join', 'knock'], note: 'Members of some spaces can join; anyone can ask to join.' };
    case 'invite':
    case 'private':
      return { actions: [], note: 'This room is invite-only: a member has to invite you.' };
    default: return { actions: ['join'], note: null };
  }
}
