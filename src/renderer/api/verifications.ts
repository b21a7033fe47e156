/**
 * Interactive verifications in the renderer: the store keeps every flow the backend told us about (by transaction
 * ID, fed by `verification_update` events and the commands' answers), and these pure reducers and selectors read
 * it. Which flow's dialog is open is UI state, kept beside in a tiny external store (like the open thread).
 */
import type { VerificationFlow, VerificationPhase } from '../../shared/rpc/commands/verification.ts';
import type { StoreSnapshot } from './snapshot.ts';
import { uiValue } from './listeners.ts';

/** The order phases come in: an older update of a flow (a late answer) never moves it back. */
const PHASE_ORDER: Record<VerificationPhase, number> = {
  created: 0, requested: 0, ready: 1, started: 2, sas: 3, confirmed: 4, done: 5, cancelled: 5,
};

function sameFlow(a: VerificationFlow, b: VerificationFlow): boolean {
  return a.phase === b.phase && a.device_id === b.device_id && (a.sas === undefined) === (b.sas === undefined)
    && a.cancel?.code === b.cancel?.code;
}

export function reduceVerificationUpdate(snap: StoreSnapshot, flow: VerificationFlow): StoreSnapshot {
  const prev = snap.verifications.get(flow.transaction_id);
  if (prev && (sameFlow(prev, flow) || PHASE_ORDER[flow.phase] < PHASE_ORDER[prev.phase])) return snap;
  // A finished flow stays final: a cancel after done (or the other way) is the other side tidying up.
  if (prev && (prev.phase === 'done' || prev.phase === 'cancelled')) return snap;
  const verifications = new Map(snap.verifications);
  verifications.set(flow.transaction_id, flow);
  return { ...snap, verifications };
}

export function reduceVerificationList(snap: StoreSnapshot, flows: readonly VerificationFlow[]): StoreSnapshot {
  if (flows.length === 0 && snap.verifications.size === 0) return snap;
  return { ...snap, verifications: new Map(flows.map((f) => [f.transaction_id, f])) };
}

const NO_FLOWS: readonly VerificationFlow[] = [];
const incomingMemo = new WeakMap<ReadonlyMap<string, VerificationFlow>, readonly VerificationFlow[]>();

/** Requests others (or our other devices) sent us that nobody has answered yet, oldest first. */
export function selectIncomingRequests(snap: StoreSnapshot): readonly VerificationFlow[] {
  const cached = incomingMemo.get(snap.verifications);
  if (cached) return cached;
  const list = [...snap.verifications.values()].filter((f) => f.phase === 'requested' && !f.we_started);
  const result = list.length ? list : NO_FLOWS;
  incomingMemo.set(snap.verifications, result);
  return result;
}

/** Whether a flow still waits on someone (not done, not cancelled). */
export function isActive(flow: VerificationFlow): boolean {
  return flow.phase !== 'done' && flow.phase !== 'cancelled';
}

/** A user's display name as any room we share says it (their DM first would be nicer; any is enough here). */
export function selectUserDisplayName(snap: StoreSnapshot, userId: string): string | null {
  for (const room of snap.roomList) {
    const rowid = room.state['m.room.member']?.[userId];
    const name = rowid === undefined ? undefined : room.events.get(rowid)?.content.displayname;
    if (typeof name === 'string' && name.trim() !== '') return name;
  }
  return null;
}

// --- which verification dialog is open ------------------------------------------------------------------------

const openFlow = uiValue<string | null>(null);

/** Opens the dialog of a flow (by transaction ID), or closes it with null. */
export const setOpenVerification = openFlow.set;
export const useOpenVerification = openFlow.use;
