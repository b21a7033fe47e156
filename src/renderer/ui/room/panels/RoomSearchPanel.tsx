/**
 * Search in the room: the stored messages' word index (search_local, this room only), newest first, with more
 * pages on request; the homeserver's search (search_server) on request, for history never loaded here. A result shows sender, time and its text with the words marked; clicking it scrolls the
 * timeline to the message (loading older history until it is there).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';
import type { Event } from '../../../../shared/rpc/types.ts';
import { useMemberNames, useSession } from '../../../api/hooks.ts';
import { requestJump } from '../../../api/jump-requests.ts';
import { displayNameOf } from '../../../api/selectors.ts';
import { highlightWords } from './highlight.tsx';
import { SidePanel } from './SidePanel.tsx';
import { effectiveContent, effectiveType } from '../../../../shared/event-cleartext.ts';

const PAGE = 30;

type Where = 'search_local' | 'search_server';

interface Results { query: string; where: Where; events: Event[]; nextBatch?: string }

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
        events: nextBatch && prev ? [...prev.events, ...res.events] : res.events,
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
              <ResultButton event={e} sender={displayNameOf(names, e.sender)} testId="room-search-result">
                {highlightWords(bodyOf(e), results.query)}
              </ResultButton>
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

/** A found or pinned message's text: in an encrypted room its cleartext (what search matched), not the ciphertext. */
export function bodyOf(e: Event): string {
  const body = effectiveContent(e).body;
  return typeof body === 'string' ? body : effectiveType(e);
}

/** A found or pinned message: who, when, what; activating it jumps to it in the timeline. */
export function ResultButton({ event, sender, testId, children }: { event: Event; sender: string; testId: string; children: ReactNode }) {
  const when = new Date(event.timestamp);
  return (
    <button type="button" className="panel-result" data-testid={testId} data-event-id={event.event_id}
      onClick={() => requestJump(event.room_id, event.event_id)}>
      <span className="panel-result-meta">
        <bdi className="panel-result-sender">{sender}</bdi>
        <time dateTime={when.toISOString()}>{when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
      </span>
      <span className="panel-result-text">{children}</span>
    </button>
  );
}
