/**
 * The inside of a message row: the quoted message it replies to, its text or sanitized HTML with "(edited)" (which
 * opens the edit history), attachments (image and video thumbnails that open the lightbox, audio, voice messages,
 * files to download) and reactions.
 * Actions (jump, lightbox, react) come from the timeline through TimelineActions, so rows stay memoizable.
 */
import { createContext, memo, useContext } from 'react';
import { useOwnUserId, useSession, useStoreSelector } from '../../api/hooks.ts';
import { setOpenMessageDialog } from '../../api/message-dialogs.ts';
import { selectEventById, selectHasFailedSend, selectOwnReactions, selectReactionShortcodes, selectReactors } from '../../api/relations.ts';
import { NOT_SENT, type Event } from '../../../shared/rpc/types.ts';
import { displayNameOf, selectMemberNames } from '../../api/selectors.ts';
import { attachmentUrl, mediaUrl } from '../common/avatar-url.ts';
import { messageBodyText, viewEvent, type EventView, type MediaView } from './event-view.ts';
import { isEmojiOnlyText } from './emoji-only.ts';
import { ExtraBody } from './ExtraBody.tsx';
import { LinkifiedText } from './LinkifiedText.tsx';
import { MessageLinkPreviews } from './MessageLinkPreviews.tsx';
import { RichHtml } from './RichHtml.tsx';
import { VoicePlayer } from './VoicePlayer.tsx';

export interface TimelineActions {
  readonly roomId: string;
  /** Scrolls to an event and highlights it; false when it is not loaded. */
  jumpTo(eventId: string): boolean;
  openLightbox(media: MediaView): void;
  /** Toggles our reaction; a custom emoji's key is its mxc:// URL, sent with its `shortcode`. */
  react(eventId: string, key: string, shortcode?: string): void;
}

export const TimelineActionsContext = createContext<TimelineActions | null>(null);

export function useActions(): TimelineActions {
  const a = useContext(TimelineActionsContext);
  if (!a) throw new Error('message body outside a timeline');
  return a;
}

type MessageView = Extract<EventView, { kind: 'message' }>;

export function MessageBody({ view, senderName, senderId, eventId }: { view: EventView; senderName: string; senderId: string | undefined; eventId?: string }) {
  const actions = useActions();
  const session = useSession();
  // The message as the store has it when clicked (the row's view does not carry the event itself).
  const showEdits = eventId ? () => {
    const event = selectEventById(session.store.getSnapshot().rooms.get(actions.roomId), eventId);
    if (event) setOpenMessageDialog({ kind: 'history', event });
  } : undefined;
  if (view.kind === 'deleted') return <div className="message-body message-deleted" data-testid="message-deleted">Message deleted</div>;
  if (view.kind === 'encrypted') return <div className="message-body message-deleted">{view.reason}</div>;
  if (view.kind !== 'message') return null;
  return (
    <>
      {view.replyTo && <ReplyQuote eventId={view.replyTo} />}
      {view.media && <Attachment media={view.media} />}
      {view.extra && eventId && <ExtraBody extra={view.extra} eventId={eventId} roomId={actions.roomId} />}
      <MessageText view={view} senderName={senderName} senderId={senderId} onOpenImage={(media) => actions.openLightbox(media)} onShowEdits={showEdits} />
      <MessageLinkPreviews view={view} roomId={actions.roomId} />
    </>
  );
}

/**
 * The text of a message. Its direction comes from its own first strong character (dir="auto", as Element does), so
 * a Hebrew or Arabic message reads from the right in a left-to-right interface and the other way round.
 */
function MessageText({ view, senderName, senderId, onOpenImage, onShowEdits }: {
  view: MessageView; senderName: string; senderId: string | undefined; onOpenImage: (media: MediaView) => void;
  onShowEdits: (() => void) | undefined;
}) {
  const edited = !view.edited ? null : onShowEdits ? (
    <>
      {' '}
      <button type="button" className="message-edited" data-testid="message-edited" title="View edit history" onClick={onShowEdits}>(edited)</button>
    </>
  ) : <span className="message-edited" data-testid="message-edited"> (edited)</span>;
  const emote = view.msgtype === 'm.emote';
  const prefix = emote ? <span className="message-emote-name">* <bdi>{senderName}</bdi>{senderId && ` (${senderId})`} </span> : null;
  if (view.html !== null) {
    return (
      <div className={`message-body${emote ? ' message-emote' : ''}${edited ? ' is-edited' : ''}`} dir="auto">
        {prefix}
        {/* sanitized_html is sanitized by the backend at ingest with the spec's allow-list. */}
        <RichHtml html={view.html} onOpenImage={onOpenImage} />
        {edited}
      </div>
    );
  }
  if (!view.body && !edited) return null;
  const big = !emote && isEmojiOnlyText(view.body);
  return (
    <div className={`message-body message-text${emote ? ' message-emote' : ''}${big ? ' is-emoji-only' : ''}`} dir="auto">
      {prefix}
      <LinkifiedText text={view.body} />
      {edited}
    </div>
  );
}

/** The message a reply quotes: sender and one line, a button that jumps to it. */
const ReplyQuote = memo(function ReplyQuote({ eventId }: { eventId: string }) {
  const actions = useActions();
  const target = useStoreSelector((s) => selectEventById(s.rooms.get(actions.roomId), eventId));
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(actions.roomId)));
  const edit = useStoreSelector((s) => (target?.last_edit_rowid ? s.rooms.get(actions.roomId)?.events.get(target.last_edit_rowid) : undefined));
  let text = 'A message that is not loaded';
  if (target) {
    const view = viewEvent(target, edit);
    if (view?.kind === 'message') text = messageBodyText(view) || view.msgtype.replace(/^m\./, '');
    else if (view?.kind === 'deleted') text = 'Message deleted';
    else if (view?.kind === 'encrypted') text = 'Encrypted message';
  }
  return (
    <button type="button" className="reply-quote" data-testid="reply-quote" onClick={() => { actions.jumpTo(eventId); }}
      title="Jump to the message" aria-label={`In reply to ${target ? displayNameOf(names, target.sender) : 'a message'}: ${text}`}>
      {target && <span className="reply-quote-sender">{displayNameOf(names, target.sender)}</span>}
      <span className="reply-quote-text" dir="auto">{text.replace(/\s+/g, ' ')}</span>
    </button>
  );
});

/** Fits a thumbnail inside max × max keeping the aspect ratio the event declares (a square when it says none). */
function fit(w: number | undefined, h: number | undefined, max: number): { width: number; height: number } {
  if (!w || !h) return { width: max, height: max };
  const scale = Math.min(1, max / Math.max(w, h));
  return { width: Math.max(32, Math.round(w * scale)), height: Math.max(32, Math.round(h * scale)) };
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function Attachment({ media }: { media: MediaView }) {
  const actions = useActions();
  if (media.kind === 'image' || media.kind === 'sticker' || media.kind === 'video') {
    // The box's width and shape: narrower than that in a narrow timeline, it shrinks keeping the shape (attachments.css).
    const box = fit(media.width, media.height, media.kind === 'sticker' ? 160 : 320);
    // The host's thumbnails are crops: ask for exactly the displayed box so nothing is cut off.
    const src = attachmentUrl(media.kind === 'video' ? media.thumbnailMxc : media.thumbnailMxc ?? media.mxc, media.encrypted, { cssW: box.width, cssH: box.height });
    return (
      <button type="button" className={`attachment attachment-${media.kind}`} data-testid="attachment-image"
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }} onClick={() => actions.openLightbox(media)}
        aria-label={`${media.kind === 'video' ? 'Play video' : 'Open image'} ${media.name}`}>
        {src ? <img src={src} alt={media.name} width={box.width} height={box.height} loading="lazy" decoding="async" draggable={false} />
          : <span className="attachment-placeholder">{media.kind === 'video' ? 'Video' : 'Image'}</span>}
        {media.kind === 'video' && <span className="attachment-play" aria-hidden="true">▶</span>}
      </button>
    );
  }
  const href = attachmentUrl(media.mxc, media.encrypted);
  if (media.voice) {
    return <VoicePlayer src={href} durationMs={media.voice.durationMs} waveform={media.voice.waveform} name="voice message" />;
  }
  if (media.kind === 'audio' && href) {
    return <audio className="attachment attachment-audio" controls preload="none" src={href} aria-label={media.name} />;
  }
  return (
    <div className="attachment attachment-file" data-testid="attachment-file">
      <span className="attachment-file-icon" aria-hidden="true">📄</span>
      <span className="attachment-file-text">
        <span className="attachment-file-name" title={media.name || undefined}>{media.name || 'File'}</span>
        <span className="attachment-file-size">{formatSize(media.size)}</span>
      </span>
      {href && <a className="attachment-download" href={href} download={media.name || true} data-testid="attachment-download">Download</a>}
    </div>
  );
}

export const Reactions = memo(function Reactions({ eventId, reactions }: { eventId: string; reactions: Record<string, number> }) {
  const actions = useActions();
  const own = useStoreSelector((s) => selectOwnReactions(s.rooms.get(actions.roomId), s.clientState?.user_id, eventId));
  const reactors = useStoreSelector((s) => selectReactors(s.rooms.get(actions.roomId), eventId));
  const names = useStoreSelector((s) => selectMemberNames(s.rooms.get(actions.roomId)));
  const ownUserId = useOwnUserId();
  const blocked = useStoreSelector((s) => selectHasFailedSend(s.rooms.get(actions.roomId)));
  const shortcodes = useStoreSelector((s) => selectReactionShortcodes(s.rooms.get(actions.roomId), eventId));
  const entries = Object.entries(reactions).filter(([, n]) => n > 0);
  if (!entries.length) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {entries.map(([key, n]) => {
        const mine = own.has(key) && ownUserId !== undefined;
        // A custom emoji (MSC2545) reacts with its mxc:// URL as the key: shown as the picture, named by its shortcode.
        const image = key.startsWith('mxc://') ? mediaUrl(key, { cssW: 20, cssH: 20, scale: true }) : undefined;
        const name = image ? shortcodes.get(key) ?? 'a custom emoji' : key;
        // Our reaction not on the server yet: said so, rather than shown as done (behind a refused message it can
        // wait indefinitely, and a click to take it back can only be refused).
        const unsent = mine ? unsentReaction(own.get(key), name, blocked) : null;
        return (
          <li key={key}>
            <button type="button" className={`reaction${mine ? ' is-own' : ''}${unsent ? ' is-pending' : ''}`} aria-pressed={mine} data-testid="reaction"
              aria-busy={unsent ? true : undefined}
              title={unsent ?? reactionTitle(name, n, reactors.get(key) ?? [], (u) => (u === ownUserId ? 'You' : displayNameOf(names, u)), mine)}
              onClick={() => actions.react(eventId, key, shortcodes.get(key))}>
              {image
                ? <img className="reaction-key reaction-image" src={image} alt={name} draggable={false} />
                : <span className="reaction-key">{key}</span>}
              {' '}<span className="reaction-count">{n}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
});

/** Why our own reaction is not on the server yet, in words; null once it is. */
function unsentReaction(e: Event | undefined, key: string, blocked: boolean): string | null {
  if (!e || !e.event_id.startsWith('~')) return null;
  if (e.send_error !== undefined && e.send_error !== NOT_SENT) return `Your ${key} was not sent. ${e.send_error}`;
  if (blocked) return `Your ${key} waits to be sent until the message that failed to send is retried or discarded`;
  return `Sending your ${key}…`;
}

/** "Alice, Bob and you reacted with 👍" (and "and 3 others" for reactions we have not loaded), with how to undo. */
function reactionTitle(key: string, count: number, senders: readonly string[], name: (userId: string) => string, mine: boolean): string {
  const shown = senders.slice(0, 10).map(name);
  const more = Math.max(0, count - shown.length);
  if (more) shown.push(`${more} ${more === 1 ? 'other' : 'others'}`);
  const who = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0] ?? `${count}`;
  return `${who} reacted with ${key}${mine ? ' · click to remove yours' : ''}`;
}
