/** The other side of a verification in words: one of our own sessions, or another user by name and ID. */
import type { VerificationFlow } from '../../../shared/rpc/commands/verification.ts';
import { useOwnUserId, useStoreSelector } from '../../api/hooks.ts';
import { selectUserDisplayName } from '../../api/verifications.ts';

export function useWhoText(flow: VerificationFlow): string {
  const own = useOwnUserId();
  const name = useStoreSelector((s) => selectUserDisplayName(s, flow.user_id));
  if (flow.user_id === own) return flow.device_id ? `Your session ${flow.device_id}` : 'Another of your sessions';
  return name ? `${name} (${flow.user_id})` : flow.user_id;
}
