/**
 * The dialog of one interactive verification, following its phases as the backend reports them: waiting for the
 * other side, ready (either side starts comparing emoji), the seven emoji with their names to compare with the
 * other screen ("They match" / "They don't match"), waiting for the other side's confirmation, done, or cancelled
 * with the reason. Closing it while the flow is still running cancels the flow, so nothing is left half-done.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { VerificationFlow } from '../../../shared/rpc/commands/verification.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { acceptVerification, cancelVerification, confirmEmojiMatch, startEmojiComparison } from '../../api/verification-requests.ts';
import { isActive, selectUserDisplayName } from '../../api/verifications.ts';
import { trapTab, useFocusReturn } from '../common/focus-return.ts';
import '../dialogs/dialogs.css';
import { atSentenceStart, useWhoText } from './use-who-text.ts';

export function VerificationDialog({ transactionId, onClose }: { transactionId: string; onClose: () => void }) {
  const session = useSession();
  const flow = useStoreSelector((s) => s.verifications.get(transactionId));
  const name = useStoreSelector((s) => (flow ? selectUserDisplayName(s, flow.user_id) : null));
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useFocusReturn();

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
  }, []);

  function run(action: () => Promise<unknown>): void {
    setBusy(true);
    setError(null);
    action().catch((err: unknown) => setError(errorMessage(err))).finally(() => setBusy(false));
  }

  // Esc or the close button: a flow still running is cancelled, so the other side is not left waiting.
  function close(): void {
    if (flow && isActive(flow)) void cancelVerification(session, flow).catch(() => undefined);
    onClose();
  }

  return (
    <dialog ref={ref} onKeyDown={trapTab} className="dialog verification-dialog" data-testid="verification-dialog" data-phase={flow?.phase ?? 'unknown'}
      aria-labelledby="verification-title" onCancel={(e) => { e.preventDefault(); close(); }}>
      <h2 id="verification-title" className="dialog-title">{titleOf(flow, name)}</h2>
      {flow ? <Phase flow={flow} busy={busy} run={run} /> : <p className="verification-text">This verification is no longer known to this session.</p>}
      {error && <p className="dialog-error" role="alert" data-testid="verification-error">{error}</p>}
      <div className="dialog-buttons">
        {/* Once done, "Done" is the one way out; a second button saying the same would only ask which to press. */}
        {flow?.phase !== 'done' && (
          <button type="button" className="dialog-button" data-testid="verification-close" onClick={close}>
            {flow && isActive(flow) ? 'Cancel' : 'Close'}
          </button>
        )}
        <PrimaryAction flow={flow} busy={busy} run={run} onClose={onClose} />
      </div>
    </dialog>
  );
}

/** Between our own sessions each side verifies the other, whichever asked. */
function titleOf(flow: VerificationFlow | undefined, name: string | null): string {
  return flow?.self_verification ? 'Verify your other session' : `Verify ${name ?? flow?.user_id ?? ''}`;
}

type Run = (action: () => Promise<unknown>) => void;

function Phase({ flow, busy, run }: { flow: VerificationFlow; busy: boolean; run: Run }) {
  const who = useWhoText(flow);
  const session = useSession();
  const device = flow.device_id ? <> (session <code>{flow.device_id}</code>)</> : null;
  switch (flow.phase) {
    case 'created':
      return <Waiting>Waiting for <strong>{who}</strong>{device} to accept… {flow.self_verification ? 'Open your other session to answer.' : 'Ask them to look at their Matrix app.'}</Waiting>;
    case 'requested':
      return <p className="verification-text"><strong>{atSentenceStart(who, flow)}</strong>{device} wants to verify {flow.self_verification ? 'this session' : 'you'}. Accept only if you expected it.</p>;
    case 'ready':
      return (
        <div className="verification-text">
          <p>Both sides are ready. Compare emoji to make sure you are talking to <strong>{who}</strong>{device}.</p>
          <p className="verification-hint">Either side can start; if the other side starts first the emoji appear here.</p>
          <button type="button" className="dialog-button is-primary verification-start" data-testid="verification-start-sas" disabled={busy}
            onClick={() => run(() => startEmojiComparison(session, flow))}>Compare emoji</button>
        </div>
      );
    case 'started':
      return <Waiting>Exchanging keys with <strong>{who}</strong>…</Waiting>;
    case 'sas':
    case 'confirmed':
      return (
        <div className="verification-text">
          <p>Check that {flow.self_verification ? 'your other session' : <strong>{who}</strong>} shows these emoji, in this order:</p>
          <EmojiGrid flow={flow} />
          {flow.phase === 'confirmed' && <Waiting>Waiting for the other side to confirm…</Waiting>}
        </div>
      );
    case 'done':
      return (
        <p className="verification-text verification-done" data-testid="verification-done">
          <span className="verification-done-mark" aria-hidden="true">✓</span>
          {/* One flex item, so the sentence wraps as text rather than splitting into columns at each name. */}
          <span>Verified. {flow.self_verification ? 'Your sessions now trust each other.' : <>You can trust <strong>{who}</strong>{device} now.</>}</span>
        </p>
      );
    case 'cancelled':
      return (
        <p className="verification-text verification-cancelled" data-testid="verification-cancelled">
          {flow.cancel?.by_us ? 'You cancelled the verification' : 'The other side cancelled the verification'}
          {flow.cancel?.reason ? `: ${flow.cancel.reason}` : '.'}
          {flow.cancel?.code === 'm.mismatched_sas' && ' The emoji did not match: someone may be intercepting; do not trust this session.'}
        </p>
      );
    default: {
      const never: never = flow.phase;
      return never;
    }
  }
}

function PrimaryAction({ flow, busy, run, onClose }: { flow: VerificationFlow | undefined; busy: boolean; run: Run; onClose: () => void }) {
  const session = useSession();
  if (!flow) return null;
  if (flow.phase === 'requested') {
    return <button type="button" className="dialog-button is-primary" data-testid="verification-accept-dialog" disabled={busy}
      onClick={() => run(() => acceptVerification(session, flow))}>Accept</button>;
  }
  if (flow.phase === 'sas') {
    return (
      <>
        <button type="button" className="dialog-button is-danger-outline" data-testid="verification-mismatch" disabled={busy}
          onClick={() => run(() => cancelVerification(session, flow, true))}>They don't match</button>
        <button type="button" className="dialog-button is-primary" data-testid="verification-match" disabled={busy}
          onClick={() => run(() => confirmEmojiMatch(session, flow))}>They match</button>
      </>
    );
  }
  if (flow.phase === 'done') return <button type="button" className="dialog-button is-primary" data-testid="verification-ok" onClick={onClose}>Done</button>;
  return null;
}

function EmojiGrid({ flow }: { flow: VerificationFlow }) {
  return (
    <ol className="verification-emoji" data-testid="verification-emoji">
      {(flow.sas?.emoji ?? []).map((e, i) => (
        <li key={i} className="verification-emoji-item" data-testid="sas-emoji" data-description={e.description}>
          <span className="verification-emoji-symbol" aria-hidden="true">{e.symbol}</span>
          <span className="verification-emoji-name">{e.description}</span>
        </li>
      ))}
    </ol>
  );
}

function Waiting({ children }: { children: ReactNode }) {
  return <p className="verification-text verification-waiting"><span className="spinner" aria-hidden="true" /> <span>{children}</span></p>;
}
