import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession, useStoreSelector } from '../../api/hooks.ts';
import { selectEventById } from '../../api/relations.ts';
import { displayNameOf, selectMemberNames } from '../../api/selectors.ts';

/** Unsent text per room, so switching rooms does not lose a half-written message. */
const drafts = new Map<string, string>();

interface ComposerProps {
  roomId: string;
  roomName: string;
  /** The event the next message replies to, chosen in the timeline. */
  replyTo: string | null;
  onCancelReply: () => void;
}

export function Composer({ roomId, roomName, replyTo, onCancelReply }: ComposerProps) {
  const session = useSession();
  const [text, setText] = useState(() => drafts.get(roomId) ?? '');
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, [roomId, replyTo]);

  useEffect(() => {
    // Leaving the room (or closing it) ends our typing notice there.
    return () => session.stoppedComposing(roomId);
  }, [roomId, session]);

  useEffect(() => {
    if (text) drafts.set(roomId, text);
    else drafts.delete(roomId);
  }, [roomId, text]);

  // Grow with the text up to a cap; CSS limits the height and scrolls beyond it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  function send(): void {
    const body = text;
    if (body.trim() === '') return;
    setText('');
    setError(null);
    session.stoppedComposing(roomId);
    onCancelReply();
    session.sendMessage(roomId, body, replyTo ?? undefined).catch((err: unknown) => {
      setError(`Could not send: ${errorMessage(err)}`);
      // Give the text back unless the user already started a new message.
      setText((current) => (current === '' ? body : current));
    });
  }

  function onKeyDown(ev: KeyboardEvent<HTMLTextAreaElement>): void {
    if (ev.key === 'Escape' && replyTo) {
      ev.preventDefault(); // cancels the reply only, not the timeline's Esc
      onCancelReply();
      return;
    }
    if (ev.key !== 'Enter' || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.nativeEvent.isComposing) return; // IME candidate selection, not a send
    ev.preventDefault();
    send();
  }

  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); send(); }}>
      {error && <div className="composer-error" role="alert" data-testid="composer-error">{error}</div>}
      {replyTo && <ReplyBanner roomId={roomId} eventId={replyTo} onCancel={onCancelReply} />}
      <div className="composer-box">
        <textarea
          ref={ref}
          className="composer-input"
          data-testid="composer"
          rows={1}
          value={text}
          placeholder={`Message ${roomName}`}
          aria-label={`Message ${roomName}`}
          onChange={(e) => { setText(e.target.value); session.composing(roomId, e.target.value); }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="composer-send" aria-label="Send" title="Send (Enter)" disabled={text.trim() === ''}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
      <div className="composer-hint" aria-hidden="true">Enter to send · Shift+Enter for a new line</div>
    </form>
  );
}

function ReplyBanner({ roomId, eventId, onCancel }: { roomId: string; eventId: string; onCancel: () => void }) {
  const target = useStoreSelector((s) => selectEventById(s.rooms.get(roomId), eventId));
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(roomId)));
  const body = target?.content.body;
  return (
    <div className="composer-reply" data-testid="composer-reply">
      <span className="composer-reply-text">
        Replying to <strong>{target ? displayNameOf(names, target.sender) : 'a message'}</strong>
        {typeof body === 'string' && body ? `: ${body.replace(/\s+/g, ' ')}` : ''}
      </span>
      <button type="button" className="icon-button" onClick={onCancel} aria-label="Cancel reply" title="Cancel reply (Esc)">✕</button>
    </div>
  );
}
