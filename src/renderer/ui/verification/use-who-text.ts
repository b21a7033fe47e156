/**
 * The other side of a verification in words: one of our own sessions (lower case, for the middle of a sentence), or
 * another user by name and ID.
 */
import type { VerificationFlow } from '../../../shared/rpc/commands/verification.ts';
import { useOwnUserId, useStoreSelector } from '../../api/hooks.ts';
import { selectUserDisplayName } from '../../api/verifications.ts';

export function useWhoText(flow: VerificationFlow): string {
  const own = useOwnUserId();
  const name = useStoreSelector((s) => selectUserDisplayName(s, flow.user_id));
  if (flow.user_id === own) return flow.device_id ? `your session ${flow.device_id}` : 'another of your sessions';
  return name ? `${name} (${flow.user_id})` : flow.user_id;
}

/** `who` opening a sentence ("Your session …"); another user's name or ID is left as it is written. */
export function atSentenceStart(who: string, flow: VerificationFlow): string {
  return flow.self_verification ? who.charAt(0).toUpperCase() + who.slice(1) : who;
}
