/**
 * Asks before signing out, in the app's own dialog (Esc cancels, focus returns to the button) rather than the
 * browser's confirm box; warns about encrypted history only when there is no secure backup to get it back from.
 */
import { useClientState, useSession } from '../../api/hooks.ts';
import { Dialog } from './Dialog.tsx';

export function SignOutDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const backedUp = useClientState()?.verification_state?.has_ssss === true;
  return (
    <Dialog title="Sign out?" submitLabel="Sign out" danger testId="sign-out-dialog" onClose={onClose}
      onSubmit={() => session.logout()}>
      <p>This device is removed from your account, with everything Lattice keeps on it.</p>
      {backedUp
        ? <p>Your encryption keys are in your secure backup: sign in again with your recovery key to read your encrypted messages.</p>
        : <p data-testid="sign-out-no-backup"><strong>Secure backup is not set up:</strong> you will lose access to your
          encrypted messages unless another of your sessions has them. Set it up in Settings › Security first.</p>}
    </Dialog>
  );
}
