/**
 * Locations and polls in the timeline. A location shows its description and coordinates with links (the geo: URI
 * for a maps app, OpenStreetMap in the browser). A poll shows its question and answers; choosing an answer sends
 * a response (in a multiple-choice poll each answer toggles, up to the poll's maximum), and results (counted from
 * the responses we hold) show once we voted, for disclosed polls, or when the poll ended. Our own poll, or any poll
 * when we may delete others' messages, has an "End poll" button.
 */
import { useCallback, useState } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { powerLevel } from '../../api/actions.ts';
import { useOwnUserId, useRoom, useSession, useStoreSelector } from '../../api/hooks.ts';
import { readPowerLevels } from '../../api/power-levels.ts';
import { stateContentOf } from '../../api/room-state.ts';
import { POLL_END, POLL_RESPONSE, nextChoice, pollEndContent, pollResponseContent } from '../../api/polls-locations.ts';
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
  const room = useRoom(roomId);
  const events = room?.events;
  const sender = useStoreSelector((s) => selectEventById(s.rooms.get(roomId), eventId)?.sender);
  // MSC3381: an end counts from the poll's sender, or from someone with the power to redact others' messages.
  const redactLevel = readPowerLevels(stateContentOf(room, 'm.room.power_levels')).actions.redact;
  const mayEnd = useCallback((userId: string) => userId === sender || powerLevel(room, userId) >= redactLevel, [room, sender, redactLevel]);
  const results = countPoll(eventId, poll, events?.values() ?? [], own, mayEnd);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState(false);
  /** The choice we sent last, until the store holds its echo: a second quick click builds on it, not on the old vote. */
  const [sending, setSending] = useState<readonly string[] | null>(null);
  const mine = sending ?? results.mine;
  const voted = mine.length > 0;
  const showResults = results.ended || (poll.disclosed && voted);
  const multiple = poll.maxSelections > 1;
  // With several answers each, the answers' votes add up to more than the people who voted: count the people.
  const tally = multiple ? `${results.voters} ${results.voters === 1 ? 'voter' : 'voters'}` : `${results.voters} ${results.voters === 1 ? 'vote' : 'votes'}`;

  function vote(answerId: string): void {
    setError(null);
    const answers = nextChoice(mine, answerId, poll.maxSelections);
    setSending(answers);
    session.client.request('send_event', { room_id: roomId, type: POLL_RESPONSE, content: pollResponseContent(eventId, answers) })
      .then((echo) => session.store.addLocalEcho(echo), (err: unknown) => setError(`Could not vote: ${errorMessage(err)}`))
      .finally(() => setSending((s) => (s === answers ? null : s)));
  }

  /** The poll's sender ends it, or a moderator (MSC3381 counts others' ends only with the power to redact). */
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
          const chosen = mine.includes(a.id);
          return (
            <li key={a.id}>
              <button type="button" className={`poll-answer${chosen ? ' is-mine' : ''}`} aria-pressed={chosen} disabled={results.ended}
                data-testid="poll-answer" onClick={() => vote(a.id)}>
                <span className={`poll-answer-mark${multiple ? ' is-multiple' : ''}`} aria-hidden="true" />
                <span className="poll-answer-text">{a.text}</span>
                {showResults && <span className="poll-answer-count">{n === 1 ? '1 vote' : `${n} votes`}</span>}
                {showResults && <span className="poll-bar" style={{ width: `${Math.round(share * 100)}%` }} aria-hidden="true" />}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="poll-footer">
        <span className="poll-status" data-testid="poll-status">
          {[
            multiple && !results.ended ? `Choose up to ${poll.maxSelections} answers` : '',
            results.ended ? `Final results · ${tally}` : showResults ? tally : poll.disclosed ? 'Vote to see the results' : 'Results show when the poll ends',
          ].filter(Boolean).join(' · ')}
        </span>
        {!results.ended && own !== undefined && mayEnd(own) && !eventId.startsWith('~') && (
          <button type="button" className="poll-end" data-testid="poll-end" disabled={ending} onClick={end}>End poll</button>
        )}
      </div>
      {error && <div className="poll-error" role="alert">{error}</div>}
    </div>
  );
}
