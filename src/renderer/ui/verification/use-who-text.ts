/**
 * The other side of a verification in words: one of our own sessions (lower case, for the middle of a sentence), or
 * another user by name and ID.
 */
import { useEffect, useState } from 'react';
import type { VerificationFlow } from '../../../shared/rpc/commands/verification.ts';
import { ownDeviceName } from '../../api/account-settings.ts';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { selectUserDisplayName } from '../../api/verifications.ts';

export function useWhoText(flow: VerificationFlow): string {
  const session = useSession();
  const own = useOwnUserId();
  const name = useStoreSelector((s) => selectUserDisplayName(s, flow.user_id));
  const ownDevice = flow.user_id === own ? flow.device_id : undefined;
  // One of our sessions is named as the Sessions list names it ("Lattice on the laptop"), its ID beside the name:
  // an ID alone means nothing to most people.
  const [deviceName, setDeviceName] = useState<{ id: string; name: string | null } | null>(null);
  useEffect(() => {
    if (!ownDevice) return;
    let live = true;
    void ownDeviceName(session, ownDevice).then((n) => { if (live) setDeviceName({ id: ownDevice, name: n }); });
    return () => { live = false; };
  }, [session, ownDevice]);
  if (flow.user_id === own) {
    if (!flow.device_id) return 'another of your sessions';
    const named = deviceName?.id === flow.device_id ? deviceName.name : null;
    return named ? `your session “${named}” (${flow.device_id})` : `your session ${flow.device_id}`;
  }
  return name ? `${name} (${flow.user_id})` : flow.user_id;
}

/** `who` opening a sentence ("Your session …"); another user's name or ID is left as it is written. */
export function atSentenceStart(who: string, flow: VerificationFlow): string {
  return flow.self_verification ? who.charAt(0).toUpperCase() + who.slice(1) : who;
}
