/**
 * The small dialog a link opens when it cannot simply show a room: a room we are not in (its public summary, and
 * a Join button — also for `action=join` links: joining is never done without the user's click), an invite
 * (Accept), or a user (their ID, with a button to start a direct chat; there is no user panel yet).
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { RespRoomSummary } from '../../shared/rpc/responses.ts';
import { useSession } from '../api/hooks.ts';
import type { LinkPromptAction } from './use-link-navigation.ts';
import './links.css';

interface Props {
  action: LinkPromptAction;
  onOpenRoom: (roomId: string) => void;
  onClose: () => void;
}

function text(summary: RespRoomSummary | null, key: string): string | undefined {
  const v = summary?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function LinkPrompt({ action, onOpenRoom, onClose }: Props) {
  const session = useSession();
  // Kept with the action it answers, so a new link never shows the previous room's summary.
  const [loaded, setLoaded] = useState<{ for: LinkPromptAction; summary: RespRoomSummary } | null>(null);
  const summary = loaded?.for === action ? loaded.summary : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (action.kind === 'show-user') return;
    let live = true;
    session.client
      .request('get_room_summary', { room_id_or_alias: action.room, ...(action.via.length ? { via: action.via } : {}) })
      .then((s) => { if (live) setLoaded({ for: action, summary: s }); })
      // No preview (private room, unknown server): the dialog still offers to join by the link's address.
      .catch(() => undefined);
    return () => { live = false; };
  }, [session, action]);

  async function run(work: () => Promise<string>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      onOpenRoom(await work());
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  let title: string;
  let detail: string | undefined;
  let button: { label: string; work: () => Promise<string> } | null = null;
  switch (action.kind) {
    case 'join':
    case 'preview': {
      const invited = action.kind === 'preview' && action.invited;
      title = text(summary, 'name') ?? text(summary, 'canonical_alias') ?? action.room;
      const members = summary?.num_joined_members;
      detail = [text(summary, 'topic'), typeof members === 'number' ? `${members} members` : undefined]
        .filter(Boolean).join(' · ') || (invited ? 'You are invited to this room.' : 'You are not in this room.');
      button = {
        label: invited ? 'Accept invite' : 'Join room',
        work: async () => (await session.client.request('join_room', {
          room_id_or_alias: action.room,
          ...(action.via.length ? { via: action.via } : {}),
          ...(invited ? { from_invite: true } : {}),
        })).room_id,
      };
      break;
    }
    case 'show-user':
      title = action.userId;
      detail = action.own ? 'This is you.' : 'You have no direct chat with this user yet.';
      if (!action.own) {
        button = {
          label: 'Start a chat',
          work: async () => (await session.client.request('create_room', {
            is_direct: true, invite: [action.userId], preset: 'trusted_private_chat',
          })).room_id,
        };
      }
      break;
    default: {
      const never: never = action;
      return never;
    }
  }

  return (
    <div className="link-prompt-backdrop" onClick={onClose}>
      <div className="link-prompt" role="dialog" aria-modal="true" aria-label={title} data-testid="link-prompt" onClick={(e) => e.stopPropagation()}>
        <h2 className="link-prompt-title">{title}</h2>
        <p className="link-prompt-detail">{detail}</p>
        {error && <p className="link-prompt-error" role="alert">{error}</p>}
        <div className="link-prompt-buttons">
          <button type="button" onClick={onClose}>Close</button>
          {button && (
            <button type="button" className="primary" disabled={busy} onClick={() => void run(button.work)}>
              {busy ? 'Working…' : button.label}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
