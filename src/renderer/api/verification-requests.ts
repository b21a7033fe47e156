/**
 * The verification commands the UI sends, built here so components never assemble payloads. Each answer is the
 * flow as it is after the command: it goes into the store at once, so the dialog moves on without waiting for the
 * matching `verification_update` push (which the reducer then finds unchanged).
 */
import type { VerificationFlow } from '../../shared/rpc/commands/verification.ts';
import type { Session } from './session.ts';
import { setOpenVerification } from './verifications.ts';

async function applied(session: Session, answer: Promise<VerificationFlow>): Promise<VerificationFlow> {
  const flow = await answer;
  session.store.applyVerification(flow);
  return flow;
}

/**
 * Asks to verify a user, or one device of theirs (ours: one of our other devices), and opens the flow's dialog.
 * Without a device, another user is asked in the DM with them and our own other devices are all asked.
 */
export async function requestVerification(session: Session, userId: string, deviceId?: string): Promise<VerificationFlow> {
  const flow = await applied(session, session.client.request('request_verification', { user_id: userId, ...(deviceId ? { device_id: deviceId } : {}) }));
  setOpenVerification(flow.transaction_id);
  return flow;
}

/** Accepts a request we received and opens its dialog. */
export async function acceptVerification(session: Session, flow: VerificationFlow): Promise<VerificationFlow> {
  setOpenVerification(flow.transaction_id);
  return applied(session, session.client.request('accept_verification', { user_id: flow.user_id, transaction_id: flow.transaction_id }));
}

/** Starts the emoji comparison on a ready flow. */
export function startEmojiComparison(session: Session, flow: VerificationFlow): Promise<VerificationFlow> {
  return applied(session, session.client.request('start_sas', { user_id: flow.user_id, transaction_id: flow.transaction_id }));
}

/** The user compared the emoji and they are the same: this is what makes the other key trusted. */
export function confirmEmojiMatch(session: Session, flow: VerificationFlow): Promise<VerificationFlow> {
  return applied(session, session.client.request('confirm_sas', { user_id: flow.user_id, transaction_id: flow.transaction_id }));
}

/** Declines or cancels a flow; `mismatch` tells the other side the emoji differed. */
export function cancelVerification(session: Session, flow: VerificationFlow, mismatch = false): Promise<VerificationFlow> {
  return applied(session, session.client.request('cancel_verification', {
    user_id: flow.user_id, transaction_id: flow.transaction_id, ...(mismatch ? { reason: 'mismatch' as const } : {}),
  }));
}

/** Every flow the backend holds, on connect (a request may have arrived before this frontend did). */
export async function loadVerifications(session: Session): Promise<void> {
  session.store.applyVerificationList(await session.client.request('get_verifications', {}));
}
