/**
 * The thread panel's composer: a reply in the thread (with the spec's falling-back reply for clients without
 * threads), with what the room's composer has: autocomplete for slash commands, members, rooms and emoji,
 * attachments pasted, dropped or picked (preview, caption, progress), an emoji picker, a sticker picker (when the
 * room's packs have stickers), the "+" menu's polls and
 * locations, sent into the thread, previews of typed links, and while it is empty the microphone for a voice message
 * sent in the thread (kept as the thread's own preview when the panel closes mid-recording, see api/voice-drafts.ts).
 * Its pieces are the room composer's; what it leaves out is per-room: text drafts, reply and edit modes.
 * `/jumptodate` jumps the room's main timeline, as from the room's composer (api/jump-to-date.ts).
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';
import { mentionedUsers } from '../../api/actions.ts';
import { useRoom, useSession } from '../../api/hooks.ts';
import { runJumpCommand } from '../../api/jump-to-date.ts';
import { threadRelation } from '../../api/threads.ts';
import { useImagePacks } from '../../api/image-pack-hooks.ts';
import { withCustomEmoji } from '../../api/image-packs.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { pickedText } from '../emoji/EmojiPicker.tsx';
import { AttachButton } from './AttachButton.tsx';
import { ComposerMenu } from './ComposerMenu.tsx';
import { Suggestions } from './Suggestions.tsx';
import { UploadTray } from './UploadTray.tsx';
import { LinkPreviewTray } from './LinkPreviewTray.tsx';
import { useLinkPreviews } from './use-link-previews.ts';
import { useAttachments } from './use-attachments.ts';
import { useComposerText } from './use-composer-text.ts';
import { useFileDrop } from './use-file-drop.ts';
import { useVoiceRecording } from './use-voice-recording.ts';
import { MicButton, VoiceComposer } from './VoiceComposer.tsx';
import './composer.css';
import './media.css';
import { SendButton } from './SendButton.tsx';
import { StickerButton } from './StickerButton.tsx';
import { useFoldedTools } from './use-folded-tools.ts';
import { getPrefs, usePrefs } from '../prefs.ts';
import { useFittedPlaceholder } from './use-fitted-placeholder.ts';
import { isSendKey } from './send-keys.ts';

export function ThreadComposer({ roomId, rootId, latestId }: { roomId: string; rootId: string; latestId: string }) {
  const session = useSession();
  const room = useRoom(roomId);
  const { text, setText, setCursor, ref, auto, update, choose, insertAtCursor } = useComposerText(session, roomId, () => '');
  const [error, setError] = useState<string | null>(null);
  const attachments = useAttachments(session, roomId, !!room?.meta?.encryption_event);
  const drop = useFileDrop(attachments.add, () => ref.current?.focus());
  const linkPreviews = useLinkPreviews(session, attachments.items.length ? '' : text, !!room?.meta?.encryption_event);
  const voice = useVoiceRecording(session, roomId, !!room?.meta?.encryption_event, rootId);
  const packs = useImagePacks(roomId);
  const tools = useFoldedTools(roomId, ref, attachments.add);
  const voiceKind = voice.state.kind;
  useEffect(() => { if (voiceKind === 'idle') ref.current?.focus(); }, [ref, rootId, voiceKind]);

  function send(): void {
    const body = text;
    const relatesTo = threadRelation(rootId, latestId);
    if (attachments.items.length) {
      setText('');
      setError(null);
      void attachments.sendAll(body, relatesTo);
      return;
    }
    if (!body.trim()) return;
    if (runJumpCommand(session, roomId, body, { setError, done: () => setText((current) => (current === body ? '' : current)) })) return;
    // Handed over now, also with a card still loading: the backend's outbox waits for that card (its echo says so).
    linkPreviews.sendWith(body, (previews) => session.client.request('send_message', {
      room_id: roomId, text: withCustomEmoji(body, packs), relates_to: relatesTo, mentions: { user_ids: mentionedUsers(body) }, ...previews,
    })
      .then((echo) => session.store.addLocalEcho(echo), (err: unknown) => {
        setError(`Could not send: ${errorMessage(err)}`);
        setText((current) => current || body);
      }));
    linkPreviews.reset();
    setText('');
    setError(null);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void {
    if (e.nativeEvent.isComposing) return;
    if (auto.onKeyDown(e, choose)) return;
    if (!isSendKey(e, getPrefs().ctrlEnterSends)) return;
    e.preventDefault();
    send();
  }

  const hasAttachments = attachments.items.length > 0;
  // As in the room's composer (and Element): the microphone takes the send button's place while there is nothing to send.
  const offerVoice = text.trim() === '' && !hasAttachments;
  const voiceState = voice.state;
  const label = hasAttachments ? 'Add a caption (optional)' : 'Reply in thread';
  // What the field shows: the label, or a shorter wording of it that the field shows whole (the panel is narrow).
  const { placeholder, box: fittingBox } = useFittedPlaceholder(hasAttachments ? ['Add a caption (optional)', 'Add a caption', 'Caption'] : ['Reply in thread', 'Reply'],
    usePrefs().textSize);
  const listOpen = auto.suggestions.length > 0;
  return (
    <form className={`thread-composer${drop.dragging ? ' is-dropping' : ''}`} data-testid="thread-composer-form"
      onSubmit={(e) => { e.preventDefault(); send(); }} {...drop.dropTarget}>
      {error && <div className="composer-error" role="alert" data-testid="thread-composer-error">{error}</div>}
      {voice.error && <div className="composer-error" role="alert" data-testid="voice-error">{voice.error}</div>}
      {voice.notice && <div className="composer-notice" role="status" data-testid="voice-notice">{voice.notice}</div>}
      {listOpen && (
        <Suggestions idPrefix="thread-composer" items={auto.suggestions} active={auto.active} onChoose={choose} onHover={auto.setSelected} />
      )}
      <UploadTray items={attachments.items} onRemove={attachments.remove} />
      <LinkPreviewTray items={linkPreviews.shown} onRemove={linkPreviews.remove} />
      {voiceState.kind === 'recording' || voiceState.kind === 'stopping' || voiceState.kind === 'preview' ? (
        <VoiceComposer state={voiceState} onStop={() => void voice.stop()} onDiscard={voice.discard}
          onAskToDiscard={voice.askToDiscard} onKeep={voice.keepRecording}
          onSend={() => void voice.send(threadRelation(rootId, latestId))} />
      ) : (
      <div className="composer-box" ref={fittingBox}>
        <AttachButton onFiles={tools.attachFiles} testId="thread-composer-attach" inputTestId="thread-composer-file-input" input={tools.filePicker} />
        <ComposerMenu roomId={roomId} relatesTo={threadRelation(rootId, latestId)} testIdPrefix="thread-composer" folded={tools.folded} />
        <textarea ref={ref} className="composer-input" data-testid="thread-composer" rows={1} dir="auto" value={text}
          placeholder={placeholder} aria-label={label} aria-autocomplete="list" aria-expanded={listOpen}
          aria-controls={listOpen ? 'thread-composer-suggestions' : undefined}
          aria-activedescendant={listOpen ? `thread-composer-suggestion-${auto.active}` : undefined}
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown} onPaste={drop.onPaste} />
        <EmojiButton className="composer-tool" label="Insert emoji" testId="thread-composer-emoji" roomId={roomId} onPick={(p) => insertAtCursor(pickedText(p))}>
          <span aria-hidden="true">☺</span>
        </EmojiButton>
        <StickerButton roomId={roomId} testId="thread-composer-sticker" onError={setError} buttonRef={tools.stickerButton} relation={() => threadRelation(rootId, latestId)} />
        {offerVoice
          ? <MicButton busy={voiceState.kind === 'starting'} onClick={() => void voice.start()} />
          : <SendButton label="Send in thread" testId="thread-composer-send" disabled={text.trim() === '' && !hasAttachments} />}
      </div>
      )}
    </form>
  );
}
