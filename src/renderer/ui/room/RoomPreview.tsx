/**
 * A room we are not in, opened from a link or by address: its public summary (get_room_summary: name, topic,
 * members, avatar) and what we can do, by its join rule and our membership: Join (public, restricted), Ask to join
 * (knock rooms, with knock_room), Accept or Decline (invited), nothing for invite-only rooms and bans, in words.
 * A room the server will not preview still offers to try joining. Once joined, the room opens when the sync has
 * brought it; a space is shown in the spaces bar instead.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { RespRoomSummary } from '../../../shared/rpc/responses.ts';
import { useInitComplete, useSession, useStoreSelector } from '../../api/hooks.ts';
import { declineInvite, waitForJoinedRoom } from '../../api/room-list-actions.ts';
import { inviterName } from '../../../shared/invite-names.ts';
import { findJoinedRoom } from '../../links/link-route.ts';
import { Avatar } from '../common/Avatar.tsx';
import { formatMemberCount } from '../common/format.ts';
import { useOpenJoined } from '../roomlist/open-joined.ts';
import { hashForRoom } from '../route.ts';
import { previewActions, type PreviewAction } from './room-preview-model.ts';
import './room-preview.css';

function text(summary: RespRoomSummary | null, key: string): string | undefined {
  const v = summary?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function openRoom(roomId: string): void {
  window.location.hash = hashForRoom(roomId);
}

/** Back to no room (after declining the invite being previewed, or joining a space). */
function closeRoom(): void {
  window.location.hash = '';
}

type Loaded = { for: string; summary: RespRoomSummary } | { for: string; error: string };

export function RoomPreview({ target, via }: { target: string; via: readonly string[] }) {
  const session = useSession();
  const initComplete = useInitComplete();
  const joined = useStoreSelector((s) => findJoinedRoom(s, target));
  const invite = useStoreSelector((s) => s.invitedRooms.find((r) => r.room_id === target));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState<PreviewAction | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [knocked, setKnocked] = useState(false);
  const viaKey = via.join(',');
  const openJoined = useOpenJoined();
  // A space joined shows in the spaces bar, with no room open: it has no messages of its own (see open-joined.ts).
  const showJoined = useCallback((roomId: string) => {
    if (openJoined(roomId, openRoom) === 'space') closeRoom();
  }, [openJoined]);

  // An address of a room we are in (or one we just joined) opens the room itself.
  useEffect(() => {
    if (joined && joined !== target) showJoined(joined);
  }, [joined, target, showJoined]);

  useEffect(() => {
    if (!initComplete || joined) return undefined;
    let live = true;
    const servers = viaKey ? viaKey.split(',') : [];
    session.client.request('get_room_summary', { room_id_or_alias: target, ...(servers.length ? { via: servers } : {}) }).then(
      (summary) => { if (live) setLoaded({ for: target, summary }); },
      (err: unknown) => { if (live) setLoaded({ for: target, error: errorMessage(err) }); },
    );
    return () => { live = false; };
  }, [session, target, viaKey, initComplete, joined]);

  if (!initComplete) {
    return <section className="room room-preview" data-testid="room-preview"><p className="room-preview-loading">Loading…</p></section>;
  }
  if (joined) return null;

  const current = loaded?.for === target ? loaded : null;
  const summary = current && 'summary' in current ? current.summary : null;
  const loadError = current && 'error' in current ? current.error : null;
  const name = text(summary, 'name') ?? invite?.name ?? text(summary, 'canonical_alias') ?? target;
  const topic = text(summary, 'topic');
  const members = summary?.num_joined_members;
  const membership = invite ? 'invite' : knocked ? 'knock' : text(summary, 'membership');
  const joinRule = text(summary, 'join_rule');
  // An invite is known from the sync, so a server that will not preview the room still lets us answer it.
  const { actions, note } = previewActions({ joinRule, membership, summaryFailed: loadError !== null });

  async function run(action: PreviewAction): Promise<void> {
    setBusy(action);
    setActionError(null);
    try {
      const servers = via.length ? { via: [...via] } : {};
      switch (action) {
        case 'join':
        case 'accept': {
          const { room_id: roomId } = await session.client.request('join_room', {
            room_id_or_alias: target, ...servers, ...(action === 'accept' ? { from_invite: true } : {}),
          });
          await waitForJoinedRoom(session, roomId);
          showJoined(roomId);
          return;
        }
        case 'knock':
          await session.client.request('knock_room', { room_id_or_alias: target, ...servers });
          setKnocked(true);
          break;
        case 'decline':
          await declineInvite(session, target);
          closeRoom();
          return;
        default: {
          const never: never = action;
          return never;
        }
      }
    } catch (err) {
      setActionError(`${ACTION_LABEL[action].failed}: ${errorMessage(err)}`);
    }
    setBusy(null);
  }

  return (
    <section className="room room-preview" aria-label={`Preview of ${name}`} data-testid="room-preview" data-room={target}>
      <div className="room-preview-card">
        <Avatar id={text(summary, 'room_id') ?? target} name={name} mxc={text(summary, 'avatar_url') ?? invite?.avatar} size={72} />
        <h2 className="room-preview-name" data-testid="room-preview-name">{name}</h2>
        {name !== target && <p className="room-preview-address">{text(summary, 'canonical_alias') ?? target}</p>}
        {topic && <p className="room-preview-topic">{topic}</p>}
        {typeof members === 'number' && <p className="room-preview-members">{formatMemberCount(members)}</p>}
        {invite?.invited_by && (
          <p className="room-preview-note" data-testid="room-preview-inviter">
            {/* Named as the room list and notifications name the inviter (invite-names.ts), with the ID beside. */}
            <bdi>{inviterName(invite)}</bdi> ({invite.invited_by}) {invite.is_direct ? 'wants to chat with you' : 'invited you'}.
          </p>
        )}
        {loadError && !invite && (
          <p className="room-preview-note" data-testid="room-preview-error">
            This room cannot be previewed: {loadError}
          </p>
        )}
        {note && <p className="room-preview-note" data-testid="room-preview-note">{note}</p>}
        {actionError && <p className="room-preview-error" role="alert" data-testid="room-preview-action-error">{actionError}</p>}
        {actions.length > 0 && (
          <div className="room-preview-buttons">
            {actions.map((a, i) => (
              <button key={a} type="button" className={i === 0 ? 'button-primary' : 'room-preview-secondary'}
                data-testid={`room-preview-${a}`} disabled={busy !== null} onClick={() => void run(a)}>
                {busy === a ? ACTION_LABEL[a].busy : ACTION_LABEL[a].label}
              </button>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}

const ACTION_LABEL: Record<PreviewAction, { label: string; busy: string; failed: string }> = {
  join: { label: 'Join room', busy: 'Joining…', failed: 'Could not join' },
  accept: { label: 'Accept invite', busy: 'Joining…', failed: 'Could not accept the invite' },
  decline: { label: 'Decline', busy: 'Declining…', failed: 'Could not decline the invite' },
  knock: { label: 'Ask to join', busy: 'Asking…', failed: 'Could not ask to join' },
};
