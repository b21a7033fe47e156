/**
 * The message composer: markdown text with Enter to send, reply and edit modes (↑ in an empty composer edits our
 * last message, Esc cancels), typing notifications, per-room drafts that survive restarts, autocomplete for
 * slash commands (with their help), member mentions (inserted as matrix.to pills) and `:emoji:` shortcodes, an
 * emoji picker, and attachments (paste, drop or the attach button; the text becomes the caption).
 */
import { useEffect, useLayoutEffect, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import type { SlashCommandHelp } from '../../../shared/rpc/responses.ts';
import { currentText, getSlashCommands, lastOwnMessage, relationFor, sendComposed } from '../../api/actions.ts';
import { applySuggestion, complete } from '../../api/autocomplete.ts';
import { composerModes, useComposerMode } from '../../api/composer-modes.ts';
import { loadDraft, saveDraft } from '../../api/drafts.ts';
import { loadEmoji, type Emoji } from '../../api/emoji-data.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession } from '../../api/hooks.ts';
import { displayNameOf } from '../../api/selectors.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { ComposerModeBar } from './ComposerModeBar.tsx';
import { Suggestions } from './Suggestions.tsx';
import { UploadTray } from './UploadTray.tsx';
import { useAttachments } from './use-attachments.ts';
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
  const [emoji, setEmoji] = useState<readonly Emoji[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const attachments = useAttachments(session, roomId, !!room?.meta?.encryption_event);
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

  // The emoji data loads the first time a shortcode is typed, not before.
  const wantsEmoji = emoji === null && /(^|\s):[a-z0-9_+-]{2}/i.test(text);
  useEffect(() => {
    if (!wantsEmoji) return;
    let live = true;
    loadEmoji().then((e) => { if (live) setEmoji(e); }, () => undefined);
    return () => { live = false; };
  }, [wantsEmoji]);

  // Grow with the text up to a cap; CSS limits the height and scrolls beyond it.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const completion = dismissed ? null : complete(text, cursor, commands, members, emoji);
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
    if (attachments.items.length && mode.kind !== 'edit') {
      const relatesTo = relationFor(mode);
      setText('');
      setError(null);
      session.stoppedComposing(roomId);
      modes.set(roomId, { kind: 'normal' });
      void attachments.sendAll(body, relatesTo);
      return;
    }
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

  function insertAtCursor(s: string): void {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    update(text.slice(0, start) + s + text.slice(end), start + s.length);
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(start + s.length, start + s.length); });
  }

  function onPaste(ev: ClipboardEvent<HTMLTextAreaElement>): void {
    const files = [...ev.clipboardData.files];
    if (!files.length) return; // text pastes as usual
    ev.preventDefault();
    attachments.add(files);
  }

  function hasFiles(ev: DragEvent): boolean {
    return [...ev.dataTransfer.types].includes('Files');
  }

  function onDrop(ev: DragEvent<HTMLFormElement>): void {
    setDragging(false);
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    attachments.add([...ev.dataTransfer.files]);
    ref.current?.focus();
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

  const hasAttachments = attachments.items.length > 0 && mode.kind !== 'edit';
  const label = mode.kind === 'edit' ? 'Edit message' : hasAttachments ? 'Add a caption (optional)' : `Message ${roomName}`;
  return (
    <form className={`composer${dragging ? ' is-dropping' : ''}`} onSubmit={(e) => { e.preventDefault(); send(); }}
      data-testid="composer-form"
      onDragOver={(e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; setDragging(true); } }}
      onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false); }}
      onDrop={onDrop}>
      {error && <div className="composer-error" role="alert" data-testid="composer-error">{error}</div>}
      {suggestions.length > 0 && (
        <Suggestions items={suggestions} active={active} onChoose={choose} onHover={setSelected} />
      )}
      {mode.kind !== 'normal' && (
        <ComposerModeBar mode={mode} senderName={displayNameOf(members, mode.event.sender)} onCancel={cancelMode} />
      )}
      <UploadTray items={attachments.items} onRemove={attachments.remove} />
      <div className="composer-box">
        <button type="button" className="composer-tool" title="Attach files" aria-label="Attach files" data-testid="composer-attach"
          onClick={() => fileInput.current?.click()}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path fill="currentColor" d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
          </svg>
        </button>
        <input ref={fileInput} type="file" multiple hidden data-testid="composer-file-input"
          onChange={(e) => { attachments.add([...(e.target.files ?? [])]); e.target.value = ''; }} />
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
          onPaste={onPaste}
          onBlur={() => session.stoppedComposing(roomId)}
        />
        <EmojiButton className="composer-tool" label="Insert emoji" testId="composer-emoji" onPick={insertAtCursor}>
          <span aria-hidden="true">☺</span>
        </EmojiButton>
        <button type="submit" className="composer-send" aria-label={mode.kind === 'edit' ? 'Save edit' : 'Send'} title="Send (Enter)"
          disabled={text.trim() === '' && !hasAttachments}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
      <div className="composer-hint" aria-hidden="true">
        {mode.kind === 'normal'
          ? 'Enter to send · Shift+Enter for a new line · ↑ to edit your last message · / for commands · @ to mention · : for emoji'
          : 'Enter to send · Esc to cancel'}
      </div>
    </form>
  );
}
