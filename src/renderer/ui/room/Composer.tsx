/**
 * The message composer: markdown text with Enter (or Ctrl+Enter, a device preference) to send, reply and edit modes (↑ in an empty composer edits our
 * last message, Esc cancels), typing notifications (unless turned off on this device), per-room drafts that survive restarts, autocomplete for
 * slash commands (with their help), member mentions (inserted as matrix.to pills) and `:emoji:` shortcodes, an
 * emoji picker, attachments (paste, drop or the attach button; the text becomes the caption), and a "+" menu for
 * polls and locations (and, in a narrow composer, the attach and sticker buttons, which give way to the text); links typed get preview cards above it (removable), sent with the message. While it is empty
 * a microphone button records a voice message (VoiceComposer.tsx) in place of the text box. `/jumptodate` runs here,
 * not in the backend: the day it names is the user's, in this page's time zone (api/jump-to-date.ts).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { currentText, lastOwnMessage, relationFor, sendComposed } from '../../api/actions.ts';
import { composerModes, useComposerMode } from '../../api/composer-modes.ts';
import { loadDraft, saveDraft } from '../../api/drafts.ts';
import { runJumpCommand } from '../../api/jump-to-date.ts';
import { useMemberNames, useOwnUserId, useRoom, useSession } from '../../api/hooks.ts';
import { displayNameOf } from '../../api/selectors.ts';
import { useImagePacks } from '../../api/image-pack-hooks.ts';
import { withCustomEmoji } from '../../api/image-packs.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { pickedText } from '../emoji/EmojiPicker.tsx';
import { AttachButton } from './AttachButton.tsx';
import { ComposerMenu } from './ComposerMenu.tsx';
import { ComposerModeBar } from './ComposerModeBar.tsx';
import { Suggestions } from './Suggestions.tsx';
import { UploadTray } from './UploadTray.tsx';
import { LinkPreviewTray } from './LinkPreviewTray.tsx';
import { useLinkPreviews } from './use-link-previews.ts';
import { useAttachments } from './use-attachments.ts';
import { useComposerText } from './use-composer-text.ts';
import { useFileDrop } from './use-file-drop.ts';
import { VOICE_MAX_MS } from '../../api/voice-recording.ts';
import { useVoiceRecording } from './use-voice-recording.ts';
import { MicButton, VoiceComposer } from './VoiceComposer.tsx';
import './composer.css';
import { SendButton } from './SendButton.tsx';
import { StickerButton } from './StickerButton.tsx';
import { useFoldedTools } from './use-folded-tools.ts';
import { roomPlaceholders, useFittedPlaceholder } from './use-fitted-placeholder.ts';
import { getPrefs, usePrefs } from '../prefs.ts';
import { isSendKey, sendKeyName, sendKeysHint } from './send-keys.ts';

const VOICE_LIMIT = `${VOICE_MAX_MS / 60_000} minutes`;

export function Composer({ roomId, roomName }: { roomId: string; roomName: string }) {
  const session = useSession();
  const room = useRoom(roomId);
  const own = useOwnUserId();
  const members = useMemberNames(roomId);
  const mode = useComposerMode(roomId);
  const modes = composerModes(session);
  const { text, setText, setCursor, ref, auto, update, choose, insertAtCursor } =
    useComposerText(session, roomId, () => loadDraft(roomId), (next) => { if (getPrefs().sendTyping) session.composing(roomId, next); });
  const [error, setError] = useState<string | null>(null);
  const attachments = useAttachments(session, roomId, !!room?.meta?.encryption_event);
  const drop = useFileDrop(attachments.add, () => ref.current?.focus());
  const linkPreviews = useLinkPreviews(session, attachments.items.length ? '' : text, !!room?.meta?.encryption_event);
  const voice = useVoiceRecording(session, roomId, !!room?.meta?.encryption_event);
  const packs = useImagePacks(roomId);
  /** The draft to restore when an edit is cancelled. */
  const beforeEdit = useRef('');
  const tools = useFoldedTools(roomId, ref, attachments.add, mode.kind !== 'edit');
  const { ctrlEnterSends, sendTyping, textSize } = usePrefs();

  // Leaving the room (or closing it) ends our typing notice there.
  useEffect(() => () => session.stoppedComposing(roomId), [roomId, session]);
  // Turning "send typing notifications" off mid-sentence ends the notice already sent, rather than letting it run out.
  useEffect(() => { if (!sendTyping) session.stoppedComposing(roomId); }, [sendTyping, roomId, session]);
  const voiceKind = voice.state.kind;
  useEffect(() => { if (voiceKind === 'idle') ref.current?.focus(); }, [ref, roomId, mode, voiceKind]);
  // Drafts are not the text of an edit: that is the old message, not something the user wrote.
  useEffect(() => { if (mode.kind !== 'edit') saveDraft(roomId, text); }, [roomId, text, mode.kind]);

  const { suggestions, active } = auto;

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
    if (mode.kind !== 'edit'
      && runJumpCommand(session, roomId, body, { setError, done: () => setText((current) => (current === body ? '' : current)) })) return;
    const sentMode = mode;
    // Handed over now, also with a card still loading: the backend's outbox waits for that card (its echo says so).
    // A typed or picked `:shortcode:` of a pack emoji goes as its image; the composer kept the readable shortcode.
    const outgoing = withCustomEmoji(body, packs);
    linkPreviews.sendWith(body, (previews) => sendComposed(session, roomId, outgoing, sentMode, own, previews).catch((err: unknown) => {
      setError(`Could not send: ${errorMessage(err)}`);
      // Give the text and mode back unless the user already started a new message.
      setText((current) => {
        if (current !== '' && current !== beforeEdit.current) return current;
        modes.set(roomId, sentMode);
        return body;
      });
    }));
    linkPreviews.reset();
    setText(mode.kind === 'edit' ? beforeEdit.current : '');
    setError(null);
    session.stoppedComposing(roomId);
    modes.set(roomId, { kind: 'normal' });
  }

  function onKeyDown(ev: KeyboardEvent<HTMLTextAreaElement>): void {
    if (ev.nativeEvent.isComposing) return; // IME candidate selection
    if (auto.onKeyDown(ev, choose)) return;
    const plain = !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey;
    if (ev.key === 'Escape' && mode.kind !== 'normal') { ev.preventDefault(); cancelMode(); return; }
    if (ev.key === 'ArrowUp' && plain && text === '' && mode.kind === 'normal') {
      if (startEdit()) ev.preventDefault();
      return;
    }
    if (!isSendKey(ev, ctrlEnterSends)) return;
    ev.preventDefault();
    send();
  }

  function sendVoice(): void {
    const relatesTo = relationFor(mode);
    void voice.send(relatesTo).then((sent) => { if (sent) modes.set(roomId, { kind: 'normal' }); });
  }

  const hasAttachments = attachments.items.length > 0 && mode.kind !== 'edit';
  // As in Element: the microphone takes the send button's place while there is nothing to send.
  const offerVoice = text.trim() === '' && !hasAttachments && mode.kind !== 'edit';
  const voiceState = voice.state;
  const label = mode.kind === 'edit' ? 'Edit message' : hasAttachments ? 'Add a caption (optional)' : `Message ${roomName}`;
  // What the field shows: the label, or a shorter wording of it that the field shows whole.
  const { placeholder, box: fittingBox } = useFittedPlaceholder(mode.kind === 'edit' ? ['Edit message', 'Edit']
    : hasAttachments ? ['Add a caption (optional)', 'Add a caption', 'Caption'] : roomPlaceholders(roomName), textSize);
  return (
    <form className={`composer${drop.dragging ? ' is-dropping' : ''}`} onSubmit={(e) => { e.preventDefault(); send(); }}
      data-testid="composer-form" {...drop.dropTarget}>
      {error && <div className="composer-error" role="alert" data-testid="composer-error">{error}</div>}
      {voice.error && <div className="composer-error" role="alert" data-testid="voice-error">{voice.error}</div>}
      {voice.notice && <div className="composer-notice" role="status" data-testid="voice-notice">{voice.notice}</div>}
      {suggestions.length > 0 && (
        <Suggestions items={suggestions} active={active} onChoose={choose} onHover={auto.setSelected} />
      )}
      {mode.kind !== 'normal' && (
        <ComposerModeBar mode={mode} senderName={displayNameOf(members, mode.event.sender)} onCancel={cancelMode} />
      )}
      <UploadTray items={attachments.items} onRemove={attachments.remove} />
      <LinkPreviewTray items={linkPreviews.shown} onRemove={linkPreviews.remove} />
      {voiceState.kind === 'recording' || voiceState.kind === 'stopping' || voiceState.kind === 'preview' ? (
        <VoiceComposer state={voiceState} onStop={() => void voice.stop()} onDiscard={voice.discard}
          onAskToDiscard={voice.askToDiscard} onKeep={voice.keepRecording} onSend={sendVoice} />
      ) : (
      <div className="composer-box" ref={fittingBox}>
        <AttachButton onFiles={tools.attachFiles} testId="composer-attach" inputTestId="composer-file-input" input={tools.filePicker} />
        <ComposerMenu roomId={roomId} folded={tools.folded} />
        <textarea
          ref={ref}
          className="composer-input"
          data-testid="composer"
          rows={1}
          dir="auto"
          value={text}
          placeholder={placeholder}
          aria-label={label}
          aria-autocomplete="list"
          aria-expanded={suggestions.length > 0}
          aria-controls={suggestions.length > 0 ? 'composer-suggestions' : undefined}
          aria-activedescendant={suggestions.length > 0 ? `composer-suggestion-${active}` : undefined}
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={drop.onPaste}
          onBlur={() => session.stoppedComposing(roomId)}
        />
        <EmojiButton className="composer-tool" label="Insert emoji" testId="composer-emoji" roomId={roomId} onPick={(p) => insertAtCursor(pickedText(p))}>
          <span aria-hidden="true">☺</span>
        </EmojiButton>
        {mode.kind !== 'edit' && (
          <StickerButton roomId={roomId} testId="composer-sticker" onError={setError} buttonRef={tools.stickerButton} relation={() => {
            const relatesTo = relationFor(mode);
            if (mode.kind === 'reply') modes.set(roomId, { kind: 'normal' });
            return relatesTo;
          }} />
        )}
        {offerVoice
          ? <MicButton busy={voiceState.kind === 'starting'} onClick={() => void voice.start()} />
          : <SendButton label={mode.kind === 'edit' ? 'Save edit' : 'Send'} disabled={text.trim() === '' && !hasAttachments} />}
      </div>
      )}
      <div className="composer-hint" aria-hidden="true">
        {voiceState.kind === 'recording' ? `Recording a voice message (at most ${VOICE_LIMIT}) · Esc to cancel`
          : voiceState.kind === 'preview' ? 'Enter to send · Esc to delete'
          : mode.kind === 'normal'
          ? `${sendKeysHint(ctrlEnterSends)} · ↑ to edit your last message · / for commands · @ to mention · : for emoji`
          : `${sendKeyName(ctrlEnterSends)} to send · Esc to cancel`}
      </div>
    </form>
  );
}
