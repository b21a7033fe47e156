/**
 * Verification over the whole app: a popup for each verification request someone sent us (Accept leads into the
 * dialog, Decline cancels it), and the dialog of the flow the user is following. Both read the flows from the
 * store, which the backend's `verification_update` events keep current.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { VerificationFlow } from '../../../shared/rpc/commands/verification.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { acceptVerification, cancelVerification } from '../../api/verification-requests.ts';
import { selectIncomingRequests, setOpenVerification, useOpenVerification } from '../../api/verifications.ts';
import { MODAL_COMPANION, onCompanionFocus, onCompanionKeyDown } from '../common/modal-companions.ts';
import { atSentenceStart, useWhoText } from './use-who-text.ts';
import { VerificationDialog } from './VerificationDialog.tsx';
import './verification.css';

export function VerificationLayer() {
  const incoming = useStoreSelector(selectIncomingRequests);
  const open = useOpenVerification();
  const shown = incoming.filter((f) => f.transaction_id !== open);
  return (
    <>
      {/* Always there, so a screen reader announces a request as it arrives (the popup does not take the focus from
          what the user is doing, in Settings or elsewhere; Tab reaches it). */}
      <p className="verification-announce" role="status" data-testid="verification-announce">
        {shown.length === 0 ? '' : shown.length === 1 ? 'A verification request is waiting for an answer at the bottom right of the window.'
          : `${shown.length} verification requests are waiting for an answer at the bottom right of the window.`}
      </p>
      {shown.length > 0 && <IncomingRequests flows={shown} />}
      {open && <VerificationDialog key={open} transactionId={open} onClose={() => setOpenVerification(null)} />}
    </>
  );
}

/**
 * The request popups, in the window's bottom right corner. While they show, `--verification-toasts-space` on the
 * root says how much of the window's bottom they take, so a modal screen open meanwhile (Settings) makes room above
 * them instead of having its corner covered; the popups stay above its backdrop, answerable.
 */
function IncomingRequests({ flows }: { flows: readonly VerificationFlow[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const root = document.documentElement;
    const update = (): void => {
      root.style.setProperty('--verification-toasts-space', `${Math.ceil(window.innerHeight - el.getBoundingClientRect().top)}px`);
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    window.addEventListener('resize', update);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', update);
      root.style.removeProperty('--verification-toasts-space');
    };
  }, []);
  return (
    // Part of an open modal's Tab loop (Settings), so a keyboard user reaches it there too.
    <div className="verification-toasts" role="region" aria-label="Verification requests" ref={ref}
      {...{ [MODAL_COMPANION]: '' }} onKeyDown={onCompanionKeyDown} onFocus={onCompanionFocus}>
      {flows.map((f) => <IncomingRequest key={f.transaction_id} flow={f} />)}
    </div>
  );
}

function IncomingRequest({ flow }: { flow: VerificationFlow }) {
  const session = useSession();
  const who = useWhoText(flow);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  function run(action: () => Promise<unknown>): void {
    setBusy(true);
    setError(null);
    action().catch((err: unknown) => { setError(errorMessage(err)); setBusy(false); });
  }
  return (
    <div className="verification-toast" role="alertdialog" aria-labelledby={`vt-${flow.transaction_id}`} data-testid="verification-request">
      <p className="verification-toast-title" id={`vt-${flow.transaction_id}`}>Verification request</p>
      <p className="verification-toast-text">
        <strong>{atSentenceStart(who, flow)}</strong> {flow.self_verification ? 'wants to verify this session.' : 'wants to verify you.'}
      </p>
      {error && <p className="verification-error" role="alert">{error}</p>}
      <div className="verification-buttons">
        <button type="button" className="verification-button" data-testid="verification-decline" disabled={busy}
          onClick={() => run(() => cancelVerification(session, flow))}>Decline</button>
        <button type="button" className="verification-button is-primary" data-testid="verification-accept" disabled={busy}
          onClick={() => run(() => acceptVerification(session, flow))}>Accept</button>
      </div>
    </div>
  );
}
