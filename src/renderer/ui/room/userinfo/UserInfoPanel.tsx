/**
 * The right panel's user info: who the member is (avatar, name, user ID, power level here, presence), what we can
 * do with them (message, verify, ignore, report to the homeserver's administrators) and, when our power level
 * allows, moderation. Opened from the member list or a sender in the timeline; Back returns to the member list.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession, useStoreSelector } from '../../../api/hooks.ts';
import { roleOf } from '../../../api/members.ts';
import { setOpenReport } from '../../../api/reporting.ts';
import { powerLevel } from '../../../api/actions.ts';
import { membershipOf } from '../../../api/moderation.ts';
import { displayNameOf, selectMemberAvatars } from '../../../api/selectors.ts';
import { openDirectChat, selectFormerName, selectIsIgnored, setIgnored, useUserPresence } from '../../../api/user-info.ts';
import { presenceText } from '../../common/format.ts';
import { Avatar } from '../../common/Avatar.tsx';
import { Dialog } from '../../dialogs/Dialog.tsx';
import { hashForRoom } from '../../route.ts';
import { ModerationActions } from './ModerationActions.tsx';
import { UserDevices } from './UserDevices.tsx';
import '../member-list.css';
import '../panels/panels.css';
import './user-info.css';

export function UserInfoPanel({ roomId, userId, onBack, onClose }: { roomId: string; userId: string; onBack: () => void; onClose: () => void }) {
  const room = useRoom(roomId);
  const names = useMemberNames(roomId);
  const own = useOwnUserId();
  const avatar = useStoreSelector((s) => selectMemberAvatars(s.rooms.get(roomId)).get(userId));
  const name = selectFormerName(room, userId) ?? displayNameOf(names, userId);
  const power = powerLevel(room, userId);
  const membership = membershipOf(room, userId);
  const self = userId === own;
  return (
    <aside className="member-panel side-panel user-info" aria-label="User info" data-testid="user-info"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
      <header className="member-panel-header">
        <button type="button" className="user-info-back" data-testid="user-info-back" onClick={onBack}>‹ Members</button>
        <button type="button" className="member-panel-close" aria-label="Close user info" onClick={onClose}>×</button>
      </header>
      <div className="user-info-profile">
        <Avatar id={userId} name={name} mxc={avatar} size={72} />
        <h3 className="user-info-name"><bdi data-testid="user-info-name">{name}</bdi></h3>
        <p className="user-info-id" data-testid="user-info-id">{userId}</p>
        <p className="user-info-facts">
          <span data-testid="user-info-power">{powerText(power)}</span>
          {membership && membership !== 'join' && <span className="user-info-membership"> · {membershipText(membership)}</span>}
        </p>
        <Presence userId={userId} />
      </div>
      {!self && <PersonActions roomId={roomId} userId={userId} name={name} />}
      <UserDevices userId={userId} name={name} self={self} />
      <ModerationActions roomId={roomId} userId={userId} name={name} />
    </aside>
  );
}

function powerText(power: number): string {
  if (power === Number.POSITIVE_INFINITY) return 'Owner (room creator)';
  const role = roleOf(power);
  return role ? `${role} · power level ${power}` : `Power level ${power}`;
}

function membershipText(m: string): string {
  switch (m) {
    case 'invite': return 'Invited';
    case 'ban': return 'Banned';
    case 'leave': return 'Left the room';
    case 'knock': return 'Asking to join';
    default: return m;
  }
}

function Presence({ userId }: { userId: string }) {
  const presence = useUserPresence(userId);
  // "Last seen 12 minutes ago" goes on counting while the panel is open.
  const [now, setNow] = useState(Date.now);
  const counting = presence?.last_active_ts !== undefined && presence.presence !== 'online';
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [counting]);
  if (!presence) return null;
  return (
    <p className="user-info-presence" data-testid="user-info-presence">
      <span className={`presence-dot is-${presence.presence}`} aria-hidden="true" />
      {presenceText(presence, now)}
    </p>
  );
}

/** Message, ignore and report: for anyone but ourselves. */
function PersonActions({ roomId, userId, name }: { roomId: string; userId: string; name: string }) {
  const session = useSession();
  const ignored = useStoreSelector((s) => selectIsIgnored(s, userId));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmIgnore, setConfirmIgnore] = useState(false);

  function run(action: () => Promise<void>): void {
    setBusy(true);
    setError(null);
    action().catch((err: unknown) => setError(errorMessage(err))).finally(() => setBusy(false));
  }

  return (
    <section className="user-info-section user-info-actions">
      <div className="user-info-buttons">
        <button type="button" data-testid="user-info-message" disabled={busy}
          onClick={() => run(async () => { window.location.hash = hashForRoom(await openDirectChat(session, userId)); })}>Message</button>
        {ignored ? (
          <button type="button" data-testid="user-info-unignore" disabled={busy} onClick={() => run(() => setIgnored(session, userId, false))}>Stop ignoring</button>
        ) : (
          <button type="button" className="is-danger" data-testid="user-info-ignore" disabled={busy} onClick={() => setConfirmIgnore(true)}>Ignore</button>
        )}
        <button type="button" data-testid="user-info-report" disabled={busy}
          onClick={() => setOpenReport({ kind: 'user', userId, roomId })}>Report user…</button>
      </div>
      {ignored && <p className="settings-note" data-testid="user-info-ignored">You are ignoring {name}: their messages and invites are hidden.</p>}
      {error && <p className="settings-error" role="alert">{error}</p>}
      {confirmIgnore && (
        <Dialog title={`Ignore ${name}?`} submitLabel="Ignore" danger testId="ignore-dialog"
          onSubmit={() => setIgnored(session, userId, true)} onClose={() => setConfirmIgnore(false)}>
          <p>You will no longer see their messages, invites or typing, in every room. You can stop ignoring them here later.</p>
        </Dialog>
      )}
    </section>
  );
}
