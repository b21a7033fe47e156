/**
 * Creating a poll: a question, 2 to 20 answers, how many answers each voter may choose, and whether votes show
 * while the poll is open; sent as Element sends it (polls-locations.ts), so the room's other clients can vote too.
 * From the thread panel, `relatesTo` puts the poll in the thread.
 */
import { useState } from 'react';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import { useSession } from '../../api/hooks.ts';
import { MAX_ANSWERS, MIN_ANSWERS, POLL_START, pollProblem, pollStartContent } from '../../api/polls-locations.ts';
import { Dialog } from '../dialogs/Dialog.tsx';

const newAnswerId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export function PollDialog({ roomId, relatesTo, onClose }: { roomId: string; relatesTo?: JSONObject; onClose: () => void }) {
  const session = useSession();
  const [question, setQuestion] = useState('');
  const [answers, setAnswers] = useState<string[]>(['', '']);
  const [disclosed, setDisclosed] = useState(true);
  const [maxSelections, setMaxSelections] = useState(1);
  // Never more choices than answers, as answers are removed.
  const choices = Math.min(maxSelections, Math.max(answers.length, 1));

  async function send(): Promise<void> {
    const problem = pollProblem(question, answers, choices);
    if (problem) throw new Error(problem);
    const content = pollStartContent(question, answers, disclosed, newAnswerId, choices);
    if (relatesTo) content['m.relates_to'] = relatesTo;
    const echo = await session.client.request('send_event', { room_id: roomId, type: POLL_START, content });
    session.store.addLocalEcho(echo);
  }

  return (
    <Dialog title="Create a poll" submitLabel="Send poll" testId="poll-dialog" onClose={onClose} onSubmit={send}
      canSubmit={question.trim() !== ''}>
      <label className="dialog-field">Question
        <input data-testid="poll-question" value={question} maxLength={340} autoFocus onChange={(e) => setQuestion(e.target.value)} />
      </label>
      <fieldset className="dialog-fieldset">
        <legend>Answers</legend>
        <ol className="poll-dialog-answers">
          {/* Answers have no identity but their place; the inputs are controlled, so an index key is safe. */}
          {answers.map((a, i) => (
            <li key={i} className="poll-dialog-answer">
              <input data-testid="poll-answer-input" value={a} maxLength={340} aria-label={`Answer ${i + 1}`} placeholder={`Answer ${i + 1}`}
                onChange={(e) => setAnswers((list) => list.map((x, j) => (j === i ? e.target.value : x)))} />
              {answers.length > MIN_ANSWERS && (
                <button type="button" className="poll-dialog-remove" aria-label={`Remove answer ${i + 1}`} title="Remove"
                  onClick={() => setAnswers((list) => list.filter((_, j) => j !== i))}>×</button>
              )}
            </li>
          ))}
        </ol>
        {answers.length < MAX_ANSWERS && (
          <button type="button" className="dialog-button" data-testid="poll-add-answer" onClick={() => setAnswers((list) => [...list, ''])}>
            Add an answer
          </button>
        )}
        <label className="poll-dialog-max">Each voter may choose
          <select data-testid="poll-max-selections" value={choices} onChange={(e) => setMaxSelections(Number(e.target.value))}>
            {answers.map((_, i) => <option key={i} value={i + 1}>{i === 0 ? '1 answer' : `up to ${i + 1} answers`}</option>)}
          </select>
        </label>
      </fieldset>
      <fieldset className="dialog-fieldset" role="radiogroup">
        <legend>Results</legend>
        <label className="dialog-check">
          <input type="radio" name="poll-kind" data-testid="poll-disclosed" checked={disclosed} onChange={() => setDisclosed(true)} />
          Open: voters see the results as votes come in
        </label>
        <label className="dialog-check">
          <input type="radio" name="poll-kind" data-testid="poll-undisclosed" checked={!disclosed} onChange={() => setDisclosed(false)} />
          Closed: results show only when the poll ends
        </label>
      </fieldset>
    </Dialog>
  );
}
