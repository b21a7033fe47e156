/**
 * Moderation of one member, shown only as far as our power level allows: kick, ban and unban with an optional
 * reason (each behind a confirm dialog), and changing their power level (Default, Moderator, Admin or a custom
 * number, at most our own).
 */
import { useState } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import { useOwnUserId, useRoom, useSession } from '../../../api/hooks.ts';
import { powerLevel } from '../../../api/actions.ts';
import { POWER_PRESETS, banUser, kickUser, moderationRights, setPowerLevel, unbanUser } from '../../../api/moderation.ts';
import { Dialog } from '../../dialogs/Dialog.tsx';

type Confirm = 'kick' | 'ban' | 'unban';

const CONFIRM_TEXT: Record<Confirm, { title: (name: string) => string; submit: string; body: string }> = {
  kick: { title: (n) => `Remove ${n} from the room?`, submit: 'Remove', body: 'They can join again if the room lets them.' },
  ban: { title: (n) => `Ban ${n}?`, submit: 'Ban', body: 'They are removed and cannot join again until unbanned.' },
  unban: { title: (n) => `Unban ${n}?`, submit: 'Unban', body: 'They may join again (an invite may still be needed).' },
};

export function ModerationActions({ roomId, userId, name }: { roomId: string; userId: string; name: string }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const rights = moderationRights(room, own, userId);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [reason, setReason] = useState('');
  if (!room || !(rights.kick || rights.ban || rights.unban || rights.changePower)) return null;

  async function act(which: Confirm): Promise<void> {
    switch (which) {
      case 'kick': return kickUser(session, roomId, userId, reason);
      case 'ban': return banUser(session, roomId, userId, reason);
      case 'unban': return unbanUser(session, roomId, userId);
      default: { const never: never = which; return never; }
    }
  }
  const open = (which: Confirm) => { setReason(''); setConfirm(which); };

  return (
    <section className="user-info-section user-moderation" data-testid="user-moderation">
      <h4>{userId === own ? 'Your role' : 'Moderation'}</h4>
      {rights.changePower && <PowerEditor key={powerLevel(room, userId)} roomId={roomId} userId={userId} self={userId === own} maxPower={rights.maxPower} />}
      {(rights.kick || rights.ban || rights.unban) && (
        <div className="user-info-buttons">
          {rights.kick && <button type="button" className="is-danger" data-testid="user-kick" onClick={() => open('kick')}>Remove from room</button>}
          {rights.ban && <button type="button" className="is-danger" data-testid="user-ban" onClick={() => open('ban')}>Ban</button>}
          {rights.unban && <button type="button" data-testid="user-unban" onClick={() => open('unban')}>Unban</button>}
        </div>
      )}
      {confirm && (
        <Dialog title={CONFIRM_TEXT[confirm].title(name)} submitLabel={CONFIRM_TEXT[confirm].submit} danger={confirm !== 'unban'}
          testId="moderation-dialog" onSubmit={() => act(confirm)} onClose={() => setConfirm(null)}>
          <p>{CONFIRM_TEXT[confirm].body}</p>
          {confirm !== 'unban' && (
            <label className="dialog-field">
              Reason (optional, everyone in the room sees it)
              <input data-testid="moderation-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
        </Dialog>
      )}
    </section>
  );
}

function PowerEditor({ roomId, userId, self, maxPower }: { roomId: string; userId: string; self: boolean; maxPower: number }) {
  const session = useSession();
  const room = useRoom(roomId);
  const current = powerLevel(room, userId);
  const preset = POWER_PRESETS.find((p) => p.level === current);
  const [choice, setChoice] = useState<string>(preset ? String(preset.level) : 'custom');
  const [custom, setCustom] = useState(String(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wanted = choice === 'custom' ? Number(custom.trim()) : Number(choice);
  const valid = (choice !== 'custom' || custom.trim() !== '') && Number.isSafeInteger(wanted) && wanted <= maxPower;

  function apply(): void {
    if (!room) return;
    if (self && wanted < current && !window.confirm('Lower your own power level? You cannot raise it again yourself.')) return;
    setBusy(true);
    setError(null);
    setPowerLevel(session, room, userId, wanted).catch((err: unknown) => { setError(errorMessage(err)); setBusy(false); });
  }

  return (
    <div className="settings-column user-power">
      <label>
        Power level
        <select className="settings-input" data-testid="user-power-select" value={choice} onChange={(e) => setChoice(e.target.value)}>
          {POWER_PRESETS.filter((p) => p.level <= maxPower).map((p) => <option key={p.level} value={String(p.level)}>{p.label} ({p.level})</option>)}
          <option value="custom">Custom level…</option>
        </select>
      </label>
      {choice === 'custom' && (
        <label>
          Custom level (at most {maxPower === Number.POSITIVE_INFINITY ? 'any' : maxPower})
          <input className="settings-input" type="number" step={1} data-testid="user-power-custom" value={custom} onChange={(e) => setCustom(e.target.value)} />
        </label>
      )}
      <button type="button" data-testid="user-power-apply" disabled={busy || !valid || wanted === current} onClick={apply}>Change power level</button>
      {error && <p className="settings-error" role="alert">{error}</p>}
    </div>
  );
}
