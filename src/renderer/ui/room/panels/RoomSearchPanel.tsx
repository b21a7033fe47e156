/**
 * Search in the room: the stored messages' word index (search_local, this room only), newest first, with more
 * pages on request; the homeserver's search (search_server) on request, for history never loaded here. A result
 * shows sender, time and its text as it reads now (its latest edit's) with the words marked; clicking it scrolls
 * the timeline to the message (loading older history until it is there).
 */
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { Event } from '../../../../shared/rpc/types.ts';
import { useMemberNames, useSession } from '../../../api/hooks.ts';
import { displayNameOf } from '../../../api/selectors.ts';
import { MessageResult } from './MessageResult.tsx';
import { SidePanel } from './SidePanel.tsx';

const PAGE = 30;

type Where = 'search_local' | 'search_server';

interface Results {
  query: string;
  where: Where;
  events: Event[];
  /** The found messages' latest edits (the answers' related_events), by rowid: a result shows its current text. */
  edits: ReadonlyMap<number, Event>;
  nextBatch?: string;
}

export function RoomSearchPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const session = useSession();
  const names = useMemberNames(roomId);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function search(term: string, where: Where, nextBatch?: string): void {
    setBusy(true);
    setError(null);
    session.client.request(where, {
      search_term: term, room_ids: [roomId], sort_by_time: true, limit: PAGE, ...(nextBatch ? { next_batch: nextBatch } : {}),
    }).then((res) => {
      setResults((prev) => ({
        query: term,
        where,
        // A server page can hold a message an earlier page had (found there by its first text, here by an edit).
        events: nextBatch && prev ? [...prev.events, ...res.events.filter((e) => !prev.events.some((p) => p.event_id === e.event_id))] : res.events,
        edits: new Map([...(nextBatch && prev ? prev.edits : []), ...(res.related_events ?? []).map((e) => [e.rowid, e] as const)]),
        ...(res.next_batch ? { nextBatch: res.next_batch } : {}),
      }));
    }, (err: unknown) => setError(`Search failed: ${errorMessage(err)}`)).finally(() => setBusy(false));
  }

  function submit(e: FormEvent): void {
    e.preventDefault();
    const term = query.trim();
    if (term === '') { setResults(null); return; }
    search(term, 'search_local');
  }

  return (
    <SidePanel title="Search" testId="room-search" onClose={onClose}>
      <form className="settings-row search-form" role="search" onSubmit={submit}>
        <input className="settings-input" type="search" data-testid="room-search-input" value={query} autoFocus
          placeholder="Search messages" aria-label="Search messages in this room" onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" data-testid="room-search-submit" disabled={busy}>Search</button>
      </form>
      {error && <p className="settings-error" role="alert">{error}</p>}
      {results && (results.events.length === 0 ? (
        <p className="settings-note" data-testid="room-search-empty">No messages found for “{results.query}”.</p>
      ) : (
        <ul className="panel-results" aria-label="Search results">
          {results.events.map((e) => (
            <li key={e.event_id}>
              <MessageResult event={e} edits={results.edits} sender={displayNameOf(names, e.sender)} testId="room-search-result"
                query={results.query} />
            </li>
          ))}
        </ul>
      ))}
      {results?.nextBatch && (
        <button type="button" className="panel-more" disabled={busy} onClick={() => search(results.query, results.where, results.nextBatch)}>More results</button>
      )}
      {results?.where === 'search_local' && !results.nextBatch && (
        <button type="button" className="panel-more" data-testid="room-search-server" disabled={busy}
          onClick={() => search(results.query, 'search_server')}>Search older messages on the server</button>
      )}
    </SidePanel>
  );
}
