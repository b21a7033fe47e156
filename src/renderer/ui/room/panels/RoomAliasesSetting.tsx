/**
 * The room's addresses: those published in m.room.canonical_alias (the main one and the others), the local
 * addresses our homeserver's directory points at the room (get_room_aliases), and a form that creates a new one
 * (create_alias), saying as it is typed whether the address is taken, as the create dialogs do (AddressCheckLine). Publishing, unpublishing and choosing the main address change m.room.canonical_alias and need
 * its power level; creating and deleting a local address are the directory's business (any member, on our server).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import { useAddressCheck } from '../../../api/address-check.ts';
import { useSession } from '../../../api/hooks.ts';
import { fullAlias, isAlias, publishedContent } from '../../../api/room-state.ts';
import { AddressCheckLine } from '../../dialogs/AddressField.tsx';
import { Section, useSaver } from './settings-parts.tsx';

export function RoomAliasesSetting({ roomId, canonical, alt, editable, server }: {
  roomId: string; canonical: string; alt: readonly string[]; editable: boolean; server: string;
}) {
  const session = useSession();
  const [local, setLocal] = useState<readonly string[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const { status, run } = useSaver('the addresses');
  // A new address on our server is checked as it is typed, as the create dialogs do (another server's cannot be made).
  const typed = fullAlias(draft, server);
  const check = useAddressCheck(session, draft.trim() && isAlias(typed) && typed.endsWith(`:${server}`) ? typed : null);

  const reload = useCallback(() => session.client.request('get_room_aliases', { room_id: roomId }).then((list) => {
    setLocal(list);
    setLoadError(null);
  }, (err: unknown) => setLoadError(`Could not list the local addresses: ${errorMessage(err)}`)), [roomId, session]);
  useEffect(() => { void reload(); }, [reload]);

  const publish = (main: string, others: readonly string[]) => () =>
    session.client.request('set_state', { room_id: roomId, type: 'm.room.canonical_alias', state_key: '', content: publishedContent(main, others) });

  function create(e: FormEvent): void {
    e.preventDefault();
    if (!draft.trim()) return;
    const alias = fullAlias(draft, server);
    if (!isAlias(alias)) { setInvalid(`"${draft.trim()}" is not a room address: it looks like #name:${server}, or just name.`); return; }
    setInvalid(null);
    run(async () => {
      await session.client.request('create_alias', { alias, room_id: roomId });
      setDraft('');
      await reload();
    });
  }

  const published = canonical ? [canonical, ...alt.filter((a) => a !== canonical)] : [...alt];
  const unpublished = (local ?? []).filter((a) => !published.includes(a));
  return (
    <Section label="Addresses" status={status} testId="settings-aliases">
      <div className="settings-column">
        <span className="settings-subhead">Published addresses</span>
        {published.length === 0 && <p className="settings-note">No published address: people find this room by invite or link.</p>}
        <ul className="settings-list" data-testid="settings-published-aliases">
          {published.map((a) => (
            <li key={a} className="settings-list-row" data-testid="settings-published-alias" data-alias={a}>
              <span className="settings-list-text" title={a}>{a}</span>
              {a === canonical && <span className="settings-badge">Main</span>}
              {editable && a !== canonical && (
                <button type="button" data-testid="alias-make-main" disabled={status.busy} onClick={() => run(publish(a, [canonical, ...alt].filter(Boolean)))}>
                  Make main
                </button>
              )}
              {editable && (
                <button type="button" data-testid="alias-unpublish" disabled={status.busy}
                  onClick={() => run(publish(a === canonical ? '' : canonical, alt.filter((x) => x !== a)))}>
                  Unpublish
                </button>
              )}
            </li>
          ))}
        </ul>
        <span className="settings-subhead">Local addresses on {server}</span>
        {local !== null && unpublished.length === 0 && !loadError && <p className="settings-note">None besides the published ones.</p>}
        <ul className="settings-list" data-testid="settings-local-aliases">
          {unpublished.map((a) => (
            <li key={a} className="settings-list-row" data-testid="settings-local-alias" data-alias={a}>
              <span className="settings-list-text" title={a}>{a}</span>
              {editable && (
                <button type="button" data-testid="alias-publish" disabled={status.busy}
                  onClick={() => run(canonical ? publish(canonical, [...alt, a]) : publish(a, alt))}>
                  {canonical ? 'Publish' : 'Make main'}
                </button>
              )}
              <button type="button" className="is-danger" data-testid="alias-delete" disabled={status.busy}
                onClick={() => run(async () => { await session.client.request('delete_alias', { alias: a }); await reload(); })}>
                Delete
              </button>
            </li>
          ))}
        </ul>
        {loadError && <p className="settings-note">{loadError}</p>}
        <form className="settings-row" onSubmit={create}>
          <input className="settings-input" data-testid="settings-new-alias" value={draft} aria-label="New address"
            placeholder={`#name:${server}`} onChange={(e) => { setDraft(e.target.value); setInvalid(null); }} />
          <button type="submit" data-testid="settings-new-alias-add" disabled={status.busy || !draft.trim() || check.state === 'taken'}>Add</button>
        </form>
        {invalid ? <p className="settings-error" role="alert">{invalid}</p> : (
          <AddressCheckLine check={check} testId="settings-new-alias" action="Add" problemClass="settings-error" statusClass="settings-note"
            taken={check.state === 'taken' && check.roomId === roomId ? 'This address is already this room\'s.' : undefined} />
        )}
      </div>
      {!editable && <p className="settings-note">You can add local addresses, but not publish them: that needs a higher power level.</p>}
    </Section>
  );
}
