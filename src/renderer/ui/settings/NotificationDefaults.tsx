/**
 * The parts of the Notifications tab that edit the spec's default push rules as Element's settings do (the mapping
 * is in api/notification-defaults.ts): the default for messages in group and one-to-one chats, other events
 * (invitations, calls, bots, room upgrades) and which of them play a sound. A setting the homeserver has no rule
 * for is shown switched off and disabled, saying so; each section shows its own errors under its controls.
 */
import { useStoreSelector, useSession } from '../../api/hooks.ts';
import {
  applyEdits, levelEdits, otherEdits, selectNotificationDefaults, soundEdits, type MessageLevel, type OtherEvent, type RuleEdit,
  type RuleGroupName, type SoundFor,
} from '../../api/notification-defaults.ts';
import type { Session } from '../../api/session.ts';
import { ErrorLine, Toggle, useAction } from './controls.tsx';

const MISSING = 'Your homeserver does not have the push rule for this, so it cannot be changed.';

type Action = ReturnType<typeof useAction>;

/** Runs the edits a setting calls for; building them may fail in words (a rule the server lacks). */
function edit(action: Action, session: Session, build: () => RuleEdit[]): void {
  void action.run(() => applyEdits(session, build()));
}

/** "All messages" / "Mentions and keywords" for group chats and one-to-one chats. */
export function MessageDefaults({ off }: { off: boolean }) {
  const session = useSession();
  const { level } = useStoreSelector(selectNotificationDefaults);
  const action = useAction();
  const rows: { group: RuleGroupName; label: string; hint: string }[] = [
    { group: 'group', label: 'Group chats', hint: 'Rooms with more than two people.' },
    { group: 'dm', label: 'One-to-one chats', hint: 'Rooms with just you and one other person.' },
  ];
  const choices: { value: MessageLevel; label: string }[] = [
    { value: 'all', label: 'All messages' },
    { value: 'mentions', label: 'Mentions and keywords' },
  ];
  return (
    <>
      <h4 className="settings-subhead">Notify me by default for</h4>
      <p className="settings-hint">A room's own notification setting still comes first.</p>
      <div className="settings-group">
        {rows.map(({ group, label, hint }) => {
          const current = level[group];
          const disabled = off || action.busy || current === null;
          return (
            <div key={group} className={`settings-level${disabled ? ' is-disabled' : ''}`} data-testid={`notify-level-${group}`}>
              <span className="settings-toggle-text">
                <span className="settings-toggle-label" id={`notify-level-${group}-label`}>{label}</span>
                <span className="settings-hint">{current === null && !off ? MISSING : hint}</span>
              </span>
              <span className="settings-level-choices" role="radiogroup" aria-labelledby={`notify-level-${group}-label`}>
                {choices.map((c) => (
                  <label key={c.value} className={`settings-level-choice${current === c.value ? ' is-selected' : ''}`}>
                    <input type="radio" name={`notify-level-${group}`} value={c.value} checked={current === c.value} disabled={disabled}
                      data-testid={`notify-level-${group}-${c.value}`}
                      onChange={() => edit(action, session, () => levelEdits(session.store.getSnapshot(), group, c.value))} />
                    {c.label}
                  </label>
                ))}
              </span>
            </div>
          );
        })}
      </div>
      <ErrorLine error={action.error} testId="notify-level-error" />
    </>
  );
}

/** Invitations, call invitations, messages sent by bots and room upgrades, each on or off. */
export function OtherEvents({ off }: { off: boolean }) {
  const session = useSession();
  const { other } = useStoreSelector(selectNotificationDefaults);
  const action = useAction();
  const rows: { event: OtherEvent; label: string; hint: string }[] = [
    { event: 'invite', label: 'Invitations', hint: 'Someone invites me to a room.' },
    { event: 'call', label: 'Call invitations', hint: 'Someone calls me.' },
    { event: 'bots', label: 'Messages sent by bots', hint: 'Notices from bots and bridges notify as other messages do.' },
    { event: 'tombstone', label: 'Room upgrades', hint: 'A room I am in moves to a new version.' },
  ];
  return (
    <>
      <h4 className="settings-subhead">Other events</h4>
      <div className="settings-group">
        {rows.map(({ event, label, hint }) => (
          <Toggle key={event} label={label} testId={`notify-other-${event}`} checked={other[event] ?? false}
            hint={other[event] === null && !off ? MISSING : hint} disabled={off || action.busy || other[event] === null}
            onChange={(on) => edit(action, session, () => otherEdits(session.store.getSnapshot(), event, on))} />
        ))}
      </div>
      <ErrorLine error={action.error} testId="notify-other-error" />
    </>
  );
}

/** "Play a sound for": the sound tweak on the rules of mentions and keywords, one-to-one chats, group chats, calls. */
export function Sounds({ off, mentionsNotify }: { off: boolean; mentionsNotify: boolean }) {
  const session = useSession();
  const { sound, level, other } = useStoreSelector(selectNotificationDefaults);
  const action = useAction();
  const rows: { what: SoundFor; label: string; quiet: boolean; quietHint: string }[] = [
    { what: 'mentions', label: 'Mentions and keywords', quiet: !mentionsNotify, quietHint: 'Mentions and keywords do not notify.' },
    { what: 'dm', label: 'One-to-one chats and invitations', quiet: level.dm === 'mentions', quietHint: 'One-to-one chats notify only for mentions and keywords.' },
    { what: 'group', label: 'Group chats', quiet: level.group === 'mentions', quietHint: 'Group chats notify only for mentions and keywords.' },
    { what: 'calls', label: 'Calls', quiet: other.call === false, quietHint: 'Call invitations do not notify.' },
  ];
  return (
    <>
      <h4 className="settings-subhead">Play a sound for</h4>
      <p className="settings-hint">On every device of this account that plays notification sounds.</p>
      <div className="settings-group">
        {rows.map(({ what, label, quiet, quietHint }) => {
          const missing = sound[what] === null;
          const hint = off ? undefined : missing ? MISSING : quiet ? quietHint : undefined;
          return (
            <Toggle key={what} label={label} testId={`notify-sound-${what}`} checked={sound[what] ?? false} hint={hint}
              disabled={off || action.busy || missing || quiet}
              onChange={(on) => edit(action, session, () => soundEdits(session.store.getSnapshot(), what, on))} />
          );
        })}
      </div>
      <ErrorLine error={action.error} testId="notify-sound-error" />
    </>
  );
}
