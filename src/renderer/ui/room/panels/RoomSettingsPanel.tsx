/**
 * Room settings in the right panel: avatar, name, topic, join rule, history visibility, encryption, addresses,
 * roles and permissions, emoji and sticker packs (RoomPacksSetting.tsx), and the room's notification setting. Each part saves on its own (one state event each, through set_state) and is
 * editable only with the power level its event type needs; a refusal is shown in words beside it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { JSONObject, RoomNotificationSetting } from '../../../../shared/rpc/types.ts';
import { useOwnUserId, useRoom, useSession } from '../../../api/hooks.ts';
import { canSendState, roomSettings } from '../../../api/room-state.ts';
import { PowerLevelsSetting } from './PowerLevelsSetting.tsx';
import { RoomAliasesSetting } from './RoomAliasesSetting.tsx';
import { RoomAvatarSetting } from './RoomAvatarSetting.tsx';
import { RoomPacksSetting } from './RoomPacksSetting.tsx';
import { ReadOnlyNote, Section, useSaver } from './settings-parts.tsx';
import { SidePanel } from './SidePanel.tsx';

const JOIN_RULES = [
  ['invite', 'Invite only'],
  ['knock', 'Ask to join (knock)'],
  ['public', 'Public: anyone can join'],
] as const;
const HISTORY = [
  ['shared', 'Members, since the room began'],
  ['invited', 'Members, since they were invited'],
  ['joined', 'Members, since they joined'],
  ['world_readable', 'Anyone'],
] as const;
const NOTIFY: readonly (readonly [RoomNotificationSetting, string])[] = [
  ['all', 'All messages'],
  ['mentions_and_keywords', 'Mentions and keywords'],
  ['mute', 'Mute'],
];

/**
 * `space`: a space's settings, from its home: the same state events, without what a space has no use for (encryption,
 * as nobody chats there; the notification setting, as a space sends none of its own).
 */
export function RoomSettingsPanel({ roomId, onClose, space }: { roomId: string; onClose: () => void; space?: boolean }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const s = roomSettings(room);
  const may = (type: string) => canSendState(room, own, type);

  async function setState(type: string, content: JSONObject): Promise<void> {
    await session.client.request('set_state', { room_id: roomId, type, state_key: '', content });
  }

  return (
    <SidePanel title={space ? 'Space settings' : 'Room settings'} testId="room-settings" onClose={onClose}>
      <RoomAvatarSetting roomId={roomId} name={s.name || roomId} mxc={s.avatar} editable={may('m.room.avatar')} />
      <TextSetting label="Name" testId="settings-name" value={s.name} editable={may('m.room.name')}
        save={(v) => setState('m.room.name', { name: v })} />
      <TextSetting label="Topic" testId="settings-topic" value={s.topic} editable={may('m.room.topic')} multiline
        save={(v) => setState('m.room.topic', { topic: v })} />
      <ChoiceSetting label="Who can join" testId="settings-join-rule" value={s.joinRule} options={JOIN_RULES}
        editable={may('m.room.join_rules')} save={(v) => setState('m.room.join_rules', { join_rule: v })} />
      <ChoiceSetting label="Who can read history" testId="settings-history" value={s.historyVisibility} options={HISTORY}
        editable={may('m.room.history_visibility')} save={(v) => setState('m.room.history_visibility', { history_visibility: v })} />
      {!space && <EncryptionSetting encrypted={s.encrypted} editable={may('m.room.encryption')}
        enable={() => setState('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' })} />}
      <RoomAliasesSetting roomId={roomId} canonical={s.canonicalAlias} alt={s.altAliases} editable={may('m.room.canonical_alias')}
        server={own?.slice(own.indexOf(':') + 1) ?? ''} />
      <PowerLevelsSetting roomId={roomId} room={room} own={own} />
      <RoomPacksSetting roomId={roomId} room={room} own={own} />
      {!space && <NotificationSetting roomId={roomId} />}
    </SidePanel>
  );
}

function TextSetting({ label, testId, value, editable, multiline, save }: {
  label: string; testId: string; value: string; editable: boolean; multiline?: boolean; save: (v: string) => Promise<unknown>;
}) {
  const [draft, setDraft] = useState(value);
  const { status, run } = useSaver(label.toLowerCase());
  // A change from elsewhere shows, unless the person is in the middle of typing another.
  const [base, setBase] = useState(value);
  if (value !== base) { setBase(value); if (draft === base) setDraft(value); }
  function submit(e: FormEvent): void {
    e.preventDefault();
    run(() => save(draft.trim()));
  }
  const Input = multiline ? 'textarea' : 'input';
  return (
    <Section label={label} status={status}>
      <form className="settings-row" onSubmit={submit}>
        <Input className="settings-input" data-testid={testId} value={draft} disabled={!editable} aria-label={label}
          rows={multiline ? 3 : undefined} onChange={(e) => setDraft(e.target.value)} />
        {editable && <button type="submit" data-testid={`${testId}-save`} disabled={status.busy || draft.trim() === value}>Save</button>}
      </form>
      <ReadOnlyNote editable={editable} />
    </Section>
  );
}

function ChoiceSetting({ label, testId, value, options, editable, save }: {
  label: string; testId: string; value: string; options: readonly (readonly [string, string])[]; editable: boolean; save: (v: string) => Promise<unknown>;
}) {
  const { status, run } = useSaver(label.toLowerCase());
  const known = options.some(([v]) => v === value);
  return (
    <Section label={label} status={status}>
      <select className="settings-input" data-testid={testId} value={value} disabled={!editable || status.busy} aria-label={label}
        onChange={(e) => { const v = e.target.value; run(() => save(v)); }}>
        {!known && <option value={value}>{value}</option>}
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
      <ReadOnlyNote editable={editable} />
    </Section>
  );
}

function EncryptionSetting({ encrypted, editable, enable }: { encrypted: boolean; editable: boolean; enable: () => Promise<unknown> }) {
  const { status, run } = useSaver('encryption');
  const [confirming, setConfirming] = useState(false);
  return (
    <Section label="Encryption" status={status}>
      {encrypted ? (
        <p className="settings-note" data-testid="settings-encryption">🔒 Messages are end-to-end encrypted. Encryption can't be turned off once enabled.</p>
      ) : (
        <>
          <p className="settings-note" data-testid="settings-encryption">Messages are not encrypted.</p>
          {editable && (confirming ? (
            <div className="settings-row">
              <button type="button" data-testid="settings-encryption-confirm" onClick={() => { setConfirming(false); run(enable); }}>
                Enable: it can't be undone
              </button>
              <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
            </div>
          ) : (
            <button type="button" data-testid="settings-encryption-enable" disabled={status.busy} onClick={() => setConfirming(true)}>Enable encryption</button>
          ))}
          <ReadOnlyNote editable={editable} />
        </>
      )}
    </Section>
  );
}

/** Our own push rules for the room, so no power level is needed; read once when the panel opens. */
function NotificationSetting({ roomId }: { roomId: string }) {
  const session = useSession();
  const [value, setValue] = useState<RoomNotificationSetting | null>(null);
  const { status, run } = useSaver('notifications');
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    session.client.request('get_room_notification_setting', { room_id: roomId }).then((v) => { if (live) setValue(v); },
      (err: unknown) => { if (live) setLoadError(`Could not read the notification setting: ${errorMessage(err)}`); });
    return () => { live = false; };
  }, [roomId, session]);
  return (
    <Section label="Notifications" status={status}>
      <div className="settings-column" role="radiogroup" aria-label="Notifications" data-testid="settings-notifications">
        {NOTIFY.map(([v, text]) => (
          <label key={v} className="settings-radio">
            <input type="radio" name={`notify-${roomId}`} value={v} checked={value === v} disabled={value === null || status.busy}
              onChange={() => run(async () => setValue(await session.client.request('set_room_notification_setting', { room_id: roomId, setting: v })))} />
            {text}
          </label>
        ))}
      </div>
      {loadError && <p className="settings-error" role="alert">{loadError}</p>}
    </Section>
  );
}
