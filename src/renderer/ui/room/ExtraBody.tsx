/**
 * Locations and polls in the timeline. A location shows its description and coordinates with links (the geo: URI
 * for a maps app, OpenStreetMap in the browser). A poll shows its question and answers; choosing an answer sends
 * a response, and results (counted from the responses we hold) show once we voted, for disclosed polls, or when
 * the poll ended. Our own poll has an "End poll" button.
 */
import { useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { POLL_END, POLL_RESPONSE, pollEndContent, pollResponseContent } from '../../api/polls-locations.ts';
import { selectEventById } from '../../api/relations.ts';
import { countPoll, type ExtraView, type LocationView, type PollView } from './extra-kinds.ts';
import './media.css';

export function ExtraBody({ extra, eventId, roomId }: { extra: ExtraView; eventId: string; roomId: string }) {
  switch (extra.kind) {
    case 'location': return <Location location={extra} />;
    case 'poll': return <Poll poll={extra} eventId={eventId} roomId={roomId} />;
    default: { const never: never = extra; return never; }
  }
}

function Location({ location }: { location: LocationView }) {
  const coords = `${location.lat.toFixed(5)}, ${location.lon.toFixed(5)}`;
  const osm = `https://www.openstreetmap.org/?mlat=${location.lat}&mlon=${location.lon}#map=16/${location.lat}/${location.lon}`;
  return (
    <div className="location" data-testid="location">
      <span className="location-pin" aria-hidden="true">📍</span>
      <span className="location-text">
        {location.description && <span className="location-description">{location.description}</span>}
        <a href={location.uri} className="location-coords">{coords}</a>
        <a href={osm} target="_blank" rel="noreferrer noopener" className="location-map">Open in OpenStreetMap</a>
      </span>
    </div>
  );
}

function Poll({ poll, eventId, roomId }: { poll: PollView; eventId: string; roomId: string }) {
  const session = useSession();
  const own = useOwnUserId();
  const events = useStoreSelector((s) => s.rooms.get(roomId)?.events);
  const sender = useStoreSelector((s) => selectEventById(s.rooms.get(roomId), eventId)?.sender);
  const results = countPoll(eventId, poll, events?.values() ?? [], own);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState(false);
  const voted = results.mine.length > 0;
  const showResults = results.ended || (poll.disclosed && voted);

  function vote(answerId: string): void {
    setError(null);
    const answers = poll.maxSelections === 1 ? [answerId]
      : results.mine.includes(answerId) ? results.mine.filter((a) => a !== answerId) : [...results.mine, answerId].slice(-poll.maxSelections);
    session.client.request('send_event', { room_id: roomId, type: POLL_RESPONSE, content: pollResponseContent(eventId, answers) })
      .then((echo) => session.store.addLocalEcho(echo), (err: unknown) => setError(`Could not vote: ${errorMessage(err)}`));
  }

  /** Only the poll's sender ends it here (MSC3381 lets others' ends count only with the power to redact). */
  function end(): void {
    setError(null);
    setEnding(true);
    session.client.request('send_event', { room_id: roomId, type: POLL_END, content: pollEndContent(eventId, poll.question) })
      .then((echo) => session.store.addLocalEcho(echo), (err: unknown) => setError(`Could not end the poll: ${errorMessage(err)}`))
      .finally(() => setEnding(false));
  }

  return (
    <div className="poll" data-testid="poll">
      <div className="poll-question">📊 {poll.question}</div>
      <ul className="poll-answers">
        {poll.answers.map((a) => {
          const n = results.counts.get(a.id) ?? 0;
          const share = results.voters ? n / results.voters : 0;
          const mine = results.mine.includes(a.id);
          return (
            <li key={a.id}>
              <button type="button" className={`poll-answer${mine ? ' is-mine' : ''}`} aria-pressed={mine} disabled={results.ended}
                data-testid="poll-answer" onClick={() => vote(a.id)}>
                <span className="poll-answer-text">{a.text}</span>
                {showResults && <span className="poll-answer-count">{n === 1 ? '1 vote' : `${n} votes`}</span>}
                {showResults && <span className="poll-bar" style={{ width: `${Math.round(share * 100)}%` }} aria-hidden="true" />}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="poll-footer">
        {results.ended ? `Final results · ${results.voters} ${results.voters === 1 ? 'vote' : 'votes'}`
          : showResults ? `${results.voters} ${results.voters === 1 ? 'vote' : 'votes'}`
            : poll.disclosed ? 'Vote to see the results' : 'Results show when the poll ends'}
        {!results.ended && sender !== undefined && sender === own && !eventId.startsWith('~') && (
          <button type="button" className="poll-end" data-testid="poll-end" disabled={ending} onClick={end}>End poll</button>
        )}
      </div>
      {error && <div className="poll-error" role="alert">{error}</div>}
    </div>
  );
}
