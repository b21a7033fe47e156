/**
 * What the frontend sees of one interactive verification: the engine's request (and its SAS, once started) read
 * into a plain `VerificationFlow`. Kept apart from the flow handling so the mapping of the engine's states to the
 * contract's phases is in one place.
 */
import { VerificationRequestPhase } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { CancelInfo, Sas, VerificationRequest } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { VerificationFlow, VerificationPhase } from '../../../shared/rpc/index.ts';

export function readFlow(req: VerificationRequest, sas: Sas | undefined): VerificationFlow {
  const flow: VerificationFlow = {
    transaction_id: req.flowId,
    user_id: req.otherUserId.toString(),
    phase: 'created',
    we_started: req.weStarted(),
    self_verification: req.isSelfVerification(),
  };
  const device = req.otherDeviceId?.toString() ?? sas?.otherDeviceId.toString();
  if (device) flow.device_id = device;
  const room = req.roomId?.toString();
  if (room) flow.room_id = room;
  let cancel: CancelInfo | undefined;
  [flow.phase, cancel] = phaseOf(req, sas);
  if ((flow.phase === 'sas' || flow.phase === 'confirmed') && sas) {
    const emoji = sas.emoji();
    const decimals = sas.decimals();
    if (emoji && decimals) {
      flow.sas = { emoji: emoji.map((e) => ({ symbol: e.symbol, description: e.description })), decimals: [...decimals] };
    }
  }
  if (flow.phase === 'cancelled') {
    const info = cancel ?? req.cancelInfo;
    flow.cancel = info
      ? { code: info.cancelCode(), reason: info.reason(), by_us: info.cancelledbyUs() }
      : { code: 'm.unknown', reason: 'The verification was cancelled.', by_us: false };
  }
  return flow;
}

function phaseOf(req: VerificationRequest, sas: Sas | undefined): [VerificationPhase, CancelInfo | undefined] {
  if (sas?.isCancelled()) return ['cancelled', sas.cancelInfo()];
  const phase = req.phase();
  switch (phase) {
    case VerificationRequestPhase.Created: return ['created', undefined];
    case VerificationRequestPhase.Requested: return ['requested', undefined];
    case VerificationRequestPhase.Ready: return ['ready', undefined];
    case VerificationRequestPhase.Done: return ['done', undefined];
    case VerificationRequestPhase.Cancelled: return ['cancelled', undefined];
    case VerificationRequestPhase.Transitioned:
      if (!sas) return ['started', undefined];
      if (sas.isDone()) return ['done', undefined];
      if (sas.haveWeConfirmed()) return ['confirmed', undefined];
      if (sas.canBePresented()) return ['sas', undefined];
      return ['started', undefined];
    default: {
      const never: never = phase;
      throw new Error(`unknown verification phase ${String(never)}`);
    }
  }
}
