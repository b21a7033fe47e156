/**
 * Room settings in the right panel: name, topic, join rule, history visibility, encryption, aliases and the
 * room's notification setting. Each part saves on its own (one state event each, through set_state) and is
 * editable only with the power level its event type needs; a refusal is shown in words beside it.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { JSONObject, RoomNotificationSetting } from '../../../../shared/rpc/types.ts';
import { useOwnUserId, useRoom, useSession } from '../../../api/hooks.ts';
import { canSendState, isAlias, parseAliases, roomSettings } from '../../../api/room-state.ts';
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

export function RoomSettingsPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const s = roomSettings(room);
  const may = (type: string) => canSendState(room, own, type);

  async function setState(type: string, content: JSONObject): Promise<void> {
    await session.client.request('set_state', { room_id: roomId, type, state_key: '', content });
  }

  return (
    <SidePanel title="Room settings" testId="room-settings" onClose={onClose}>
      <TextSetting label="Name" testId="settings-name" value={s.name} editable={may('m.room.name')}
        save={(v) => setState('m.room.name', { name: v })} />
      <TextSetting label="Topic" testId="settings-topic" value={s.topic} editable={may('m.room.topic')} multiline
        save={(v) => setState('m.room.topic', { topic: v })} />
      <ChoiceSetting label="Who can join" testId="settings-join-rule" value={s.joinRule} options={JOIN_RULES}
        editable={may('m.room.join_rules')} save={(v) => setState('m.room.join_rules', { join_rule: v })} />
      <ChoiceSetting label="Who can read history" testId="settings-history" value={s.historyVisibility} options={HISTORY}
        editable={may('m.room.history_visibility')} save={(v) => setState('m.room.history_visibility', { history_visibility: v })} />
      <EncryptionSetting encrypted={s.encrypted} editable={may('m.room.encryption')}
        enable={() => setState('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' })} />
      <AliasSetting canonical={s.canonicalAlias} alt={s.altAliases} editable={may('m.room.canonical_alias')}
        save={(alias, alt) => setState('m.room.canonical_alias', { ...(alias ? { alias } : {}), alt_aliases: alt })} />
      <NotificationSetting roomId={roomId} />
    </SidePanel>
  );
}

/** A setting's frame: its title, its editor, and what happened to the last save. */
function Section({ label, children, status }: { label: string; children: ReactNode; status: Status }) {
  return (
    <section className="settings-section">
      <h4>{label}</h4>
      {children}
      {status.error && <p className="settings-error" role="alert" data-testid="settings-error">{status.error}</p>}
      {status.saved && <p className="settings-saved" role="status">Saved</p>}
    </section>
  );
}

interface Status { busy: boolean; error: string | null; saved: boolean }

/** Runs a save, keeping what the person typed if it fails. */
function useSaver(what: string) {
  const [status, setStatus] = useState<Status>({ busy: false, error: null, saved: false });
  function run(save: () => Promise<unknown>): void {
    setStatus({ busy: true, error: null, saved: false });
    save().then(() => setStatus({ busy: false, error: null, saved: true }),
      (err: unknown) => setStatus({ busy: false, error: `Could not change ${what}: ${errorMessage(err)}`, saved: false }));
  }
  return { status, run };
}

function readOnlyNote(editable: boolean) {
  return editable ? null : <p className="settings-note">You don't have permission to change this.</p>;
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
      {readOnlyNote(editable)}
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
      {readOnlyNote(editable)}
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
          {readOnlyNote(editable)}
        </>
      )}
    </Section>
  );
}

function AliasSetting({ canonical, alt, editable, save }: {
  canonical: string; alt: readonly string[]; editable: boolean; save: (alias: string, alt: string[]) => Promise<unknown>;
}) {
  const [alias, setAlias] = useState(canonical);
  const [others, setOthers] = useState(alt.join('\n'));
  const [base, setBase] = useState({ canonical, alt: alt.join('\n') });
  if (base.canonical !== canonical || base.alt !== alt.join('\n')) {
    setBase({ canonical, alt: alt.join('\n') });
    setAlias(canonical);
    setOthers(alt.join('\n'));
  }
  const { status, run } = useSaver('the addresses');
  const [invalid, setInvalid] = useState<string | null>(null);
  function submit(e: FormEvent): void {
    e.preventDefault();
    const main = alias.trim();
    const list = parseAliases(others);
    const bad = [main, ...list].find((a) => a !== '' && !isAlias(a));
    if (bad) { setInvalid(`"${bad}" is not a room address: it looks like #name:server.`); return; }
    setInvalid(null);
    run(() => save(main, list));
  }
  return (
    <Section label="Addresses" status={status}>
      <form className="settings-column" onSubmit={submit}>
        <label>Main address
          <input className="settings-input" data-testid="settings-canonical-alias" value={alias} disabled={!editable}
            placeholder="#room:server" onChange={(e) => setAlias(e.target.value)} />
        </label>
        <label>Other published addresses (one a line)
          <textarea className="settings-input" data-testid="settings-alt-aliases" value={others} disabled={!editable} rows={2}
            onChange={(e) => setOthers(e.target.value)} />
        </label>
        {editable && <button type="submit" data-testid="settings-aliases-save" disabled={status.busy}>Save addresses</button>}
      </form>
      {invalid && <p className="settings-error" role="alert">{invalid}</p>}
      {readOnlyNote(editable)}
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
