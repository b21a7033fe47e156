/**
 * The words under a local echo on its way (the timeline's rows and the thread panel's): "Sending…", or, for a message
 * sent while its link previews were still loading, that it waits for them first (the backend's outbox holds it until
 * they come, at most 10 s: see send_message's `pending_url_previews`).
 */
import type { Event } from '../../../shared/rpc/types.ts';

export function PendingStatus({ event }: { event: Event }) {
  const waitingFor = event.local_content?.waiting_for_link_previews ?? 0;
  if (waitingFor === 0) return <div className="message-status">Sending…</div>;
  return (
    <div className="message-status" role="status" data-testid="waiting-preview">
      {waitingFor === 1 ? 'Waiting for the link preview, then sending…' : 'Waiting for the link previews, then sending…'}
    </div>
  );
}
