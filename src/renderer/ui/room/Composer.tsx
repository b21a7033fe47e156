/**
 * The message composer: markdown text with Enter to send, reply and edit modes (↑ in an empty composer edits our
 * last message, Esc cancels), typing notifications, per-room drafts that survive restarts, and autocomplete for
 * slash commands (with their help) and member mentions (inserted as matrix.to pills).
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { SlashCommandHelp } from '../../../shared/rpc/responses.ts';
import { currentText, getSlashCommands, lastOwnMessage, sendComposed } from '../../api/actions.ts';
import { applySuggestion, complete } from '../../api/autocomplete.ts';
import { composerModes, useComposerMode } from '../../api/composer-modes.ts';
import { loadDraft, saveDraft } from '../../api/drafts.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession } from '../../api/hooks.ts';
import { displayNameOf } from '../../api/selectors.ts';
import { ComposerModeBar } from './ComposerModeBar.tsx';
import { Suggestions } from './Suggestions.tsx';
import './composer.css';

export function Composer({ roomId, roomName }: { roomId: string; roomName: string }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const members = useMemberNames(roomId);
  const mode = useComposerMode(roomId);
  const modes = composerModes(session);
  const [text, setText] = useState(() => loadDraft(roomId));
  const [cursor, setCursor] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [commands, setCommands] = useState<readonly SlashCommandHelp[]>([]);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  /** The draft to restore when an edit is cancelled. */
  const beforeEdit = useRef('');

  // Leaving the room (or closing it) ends our typing notice there.
  useEffect(() => () => session.stoppedComposing(roomId), [roomId, session]);
  useEffect(() => { ref.current?.focus(); }, [roomId, mode]);
  // Drafts are not the text of an edit: that is the old message, not something the user wrote.
  useEffect(() => { if (mode.kind !== 'edit') saveDraft(roomId, text); }, [roomId, text, mode.kind]);

  useEffect(() => {
    if (!text.startsWith('/') || commands.length) return;
    let live = true;
    getSlashCommands(session).then((c) => { if (live) setCommands(c); }, () => undefined);
    return () => { live = false; };
  }, [text, commands.length, session]);

  // Grow with the text up to a cap; CSS limits the height and scrolls beyond it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const completion = dismissed ? null : complete(text, cursor, commands, members);
  const suggestions = completion?.suggestions ?? [];
  const active = suggestions.length ? Math.min(selected, suggestions.length - 1) : 0;

  function update(next: string, nextCursor: number): void {
    setText(next);
    setCursor(nextCursor);
    setSelected(0);
    setDismissed(false);
    session.composing(roomId, next);
  }

  function startEdit(): boolean {
    const last = lastOwnMessage(room, own);
    if (!last) return false;
    beforeEdit.current = text;
    const body = currentText(room, last);
    modes.set(roomId, { kind: 'edit', event: last, text: body });
    setText(body);
    setCursor(body.length);
    return true;
  }

  function cancelMode(): void {
    if (mode.kind === 'edit') setText(beforeEdit.current);
    modes.set(roomId, { kind: 'normal' });
  }

  function send(): void {
    const body = text;
    if (body.trim() === '') return;
    if (mode.kind === 'edit' && body === mode.text) { cancelMode(); return; } // nothing changed
    const sentMode = mode;
    setText(mode.kind === 'edit' ? beforeEdit.current : '');
    setError(null);
    session.stoppedComposing(roomId);
    modes.set(roomId, { kind: 'normal' });
    sendComposed(session, roomId, body, sentMode, own).catch((err: unknown) => {
      setError(`Could not send: ${errorMessage(err)}`);
      // Give the text and mode back unless the user already started a new message.
      setText((current) => {
        if (current !== '' && current !== beforeEdit.current) return current;
        modes.set(roomId, sentMode);
        return body;
      });
    });
  }

  function choose(i: number): void {
    const s = suggestions[i];
    if (!completion || !s) return;
    const next = applySuggestion(text, completion, s);
    update(next.text, next.cursor);
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.cursor, next.cursor));
  }

  function onKeyDown(ev: KeyboardEvent<HTMLTextAreaElement>): void {
    if (ev.nativeEvent.isComposing) return; // IME candidate selection
    const plain = !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey;
    if (suggestions.length && plain) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const step = ev.key === 'ArrowDown' ? 1 : suggestions.length - 1;
        setSelected((active + step) % suggestions.length);
        return;
      }
      if (ev.key === 'Tab' || ev.key === 'Enter') { ev.preventDefault(); choose(active); return; }
      if (ev.key === 'Escape') { ev.preventDefault(); setDismissed(true); return; }
    }
    if (ev.key === 'Escape' && mode.kind !== 'normal') { ev.preventDefault(); cancelMode(); return; }
    if (ev.key === 'ArrowUp' && plain && text === '' && mode.kind === 'normal') {
      if (startEdit()) ev.preventDefault();
      return;
    }
    if (ev.key !== 'Enter' || !plain) return;
    ev.preventDefault();
    send();
  }

  const label = mode.kind === 'edit' ? 'Edit message' : `Message ${roomName}`;
  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); send(); }}>
      {error && <div className="composer-error" role="alert" data-testid="composer-error">{error}</div>}
      {suggestions.length > 0 && (
        <Suggestions items={suggestions} active={active} onChoose={choose} onHover={setSelected} />
      )}
      {mode.kind !== 'normal' && (
        <ComposerModeBar mode={mode} senderName={displayNameOf(members, mode.event.sender)} onCancel={cancelMode} />
      )}
      <div className="composer-box">
        <textarea
          ref={ref}
          className="composer-input"
          data-testid="composer"
          rows={1}
          value={text}
          placeholder={label}
          aria-label={label}
          aria-autocomplete="list"
          aria-expanded={suggestions.length > 0}
          aria-controls={suggestions.length > 0 ? 'composer-suggestions' : undefined}
          aria-activedescendant={suggestions.length > 0 ? `composer-suggestion-${active}` : undefined}
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => session.stoppedComposing(roomId)}
        />
        <button type="submit" className="composer-send" aria-label={mode.kind === 'edit' ? 'Save edit' : 'Send'} title="Send (Enter)" disabled={text.trim() === ''}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
      <div className="composer-hint" aria-hidden="true">
        {mode.kind === 'normal'
          ? 'Enter to send · Shift+Enter for a new line · ↑ to edit your last message · / for commands · @ to mention'
          : 'Enter to send · Esc to cancel'}
      </div>
    </form>
  );
}
