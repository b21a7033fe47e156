/**
 * Roles and permissions: the people whose power level is not the room's default (with a control to change each,
 * or give someone a role), and the level each common action needs. Every change sends the room's whole
 * m.room.power_levels with that one change (set_state); the controls are enabled only for what the spec lets us
 * change: with the power to send power levels, nobody raised above us, nobody at or above us changed but ourselves.
 */
import { useState, type FormEvent } from 'react';
import type { JSONObject } from '../../../../shared/rpc/types.ts';
import { powerLevel } from '../../../api/actions.ts';
import { useMemberNames, useSession } from '../../../api/hooks.ts';
import {
  canChangeAction, canChangeUser, levelChoices, POWER_ACTIONS, privilegedUsers, readPowerLevels, roleName, roomCreators, withActionLevel,
  withUserLevel,
} from '../../../api/power-levels.ts';
import { canSendState, stateContentOf } from '../../../api/room-state.ts';
import type { RoomData } from '../../../api/snapshot.ts';
import { displayNameOf } from '../../../api/selectors.ts';
import { ReadOnlyNote, Section, useSaver } from './settings-parts.tsx';

export function PowerLevelsSetting({ roomId, room, own }: { roomId: string; room: RoomData | undefined; own: string | undefined }) {
  const session = useSession();
  const names = useMemberNames(roomId);
  const content = stateContentOf(room, 'm.room.power_levels');
  const pl = readPowerLevels(content);
  const ownLevel = powerLevel(room, own);
  const editable = canSendState(room, own, 'm.room.power_levels');
  const { status, run } = useSaver('roles and permissions');
  const [newUser, setNewUser] = useState('');
  const [newLevel, setNewLevel] = useState(50);
  const [invalid, setInvalid] = useState<string | null>(null);

  const save = (next: JSONObject) => () =>
    session.client.request('set_state', { room_id: roomId, type: 'm.room.power_levels', state_key: '', content: next });
  const levelOf = (userId: string) => pl.users.get(userId) ?? pl.usersDefault;

  function addUser(e: FormEvent): void {
    e.preventDefault();
    const userId = newUser.trim();
    if (!/^@[^:\s]+:\S+$/.test(userId)) { setInvalid(`"${userId}" is not a user ID: it looks like @name:server.`); return; }
    if (!canChangeUser(ownLevel, own, userId, levelOf(userId))) { setInvalid(`${userId}'s level is at or above yours: you can't change it.`); return; }
    setInvalid(null);
    run(async () => { await save(withUserLevel(content, userId, newLevel))(); setNewUser(''); });
  }

  const createRow = room?.state['m.room.create']?.[''];
  const create = createRow === undefined ? undefined : room?.events.get(createRow);
  const creators = roomCreators(create?.content, create?.sender);
  const users = [
    ...creators.map((userId) => ({ userId, level: Number.POSITIVE_INFINITY })),
    ...privilegedUsers(pl).filter((u) => !creators.includes(u.userId)),
  ];
  return (
    <Section label="Roles & permissions" status={status} testId="settings-power">
      <div className="settings-column">
        <span className="settings-subhead">People with a role</span>
        <ul className="settings-list" data-testid="power-users">
          {users.map(({ userId, level }) => (
            <li key={userId} className="settings-list-row is-person" data-testid="power-user" data-user-id={userId}>
              <span className="settings-list-text" title={userId}>
                <bdi>{displayNameOf(names, userId)}</bdi>
                <span className="settings-list-detail">{userId}</span>
              </span>
              <LevelSelect label={`Power level of ${userId}`} testId="power-user-level" level={level} ownLevel={ownLevel}
                editable={editable && !status.busy && Number.isFinite(level) && canChangeUser(ownLevel, own, userId, level)}
                onChange={(l) => run(save(withUserLevel(content, userId, l)))} />
            </li>
          ))}
        </ul>
        {editable && (
          <form className="settings-row settings-wrap" onSubmit={addUser}>
            <input className="settings-input" data-testid="power-new-user" value={newUser} list={`power-members-${roomId}`}
              placeholder="@name:server" aria-label="Give a role to" onChange={(e) => setNewUser(e.target.value)} />
            <datalist id={`power-members-${roomId}`}>
              {[...names].filter(([id]) => !pl.users.has(id)).slice(0, 200).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
            </datalist>
            <LevelSelect label="Role to give" testId="power-new-level" level={newLevel} ownLevel={ownLevel} editable onChange={setNewLevel} />
            <button type="submit" data-testid="power-new-add" disabled={status.busy || !newUser.trim()}>Add</button>
          </form>
        )}
        {invalid && <p className="settings-error" role="alert">{invalid}</p>}
        <span className="settings-subhead">Level needed to…</span>
        <ul className="settings-list" data-testid="power-actions">
          {POWER_ACTIONS.map(({ action, label }) => (
            <li key={action} className="settings-list-row is-action" data-testid="power-action" data-action={action}>
              <span className="settings-list-text">{label}</span>
              <LevelSelect label={label} testId="power-action-level" level={pl.actions[action]} ownLevel={ownLevel}
                editable={editable && !status.busy && canChangeAction(ownLevel, pl.actions[action])}
                onChange={(l) => run(save(withActionLevel(content, action, l)))} />
            </li>
          ))}
        </ul>
      </div>
      <ReadOnlyNote editable={editable} />
    </Section>
  );
}

function LevelSelect({ label, testId, level, ownLevel, editable, onChange }: {
  label: string; testId: string; level: number; ownLevel: number; editable: boolean; onChange: (level: number) => void;
}) {
  const choices = editable ? levelChoices(ownLevel, level) : [level];
  return (
    <select className="settings-input settings-level" data-testid={testId} aria-label={label} value={level} disabled={!editable}
      onChange={(e) => onChange(Number(e.target.value))}>
      {choices.map((l) => <option key={l} value={l}>{roleName(l)}{roleName(l).startsWith('Custom') || !Number.isFinite(l) ? '' : ` (${l})`}</option>)}
    </select>
  );
}
