/**
 * The call signals among the backend's events, each once, in order, and whether it is news: an event is live only
 * once the frontend has caught up with the server (init_complete), and never one from the stored state sent on
 * connecting, a fresh login's first sync, or a batch that was history when it came undecryptable (decrypted later,
 * it is still history). calls.ts decides what each signal does; only live invites may ring.
 */
import type { Event, SyncComplete } from '../../shared/rpc/types.ts';
import { parseCallSignal, type CallSignal } from './call-signals.ts';
import type { RpcClient } from './rpc-client.ts';

export type SignalHandler = (roomId: string, sig: CallSignal, live: boolean) => void;

export class CallFeed {
  /** Calls answered, rejected or hung up, wherever seen (history included): their invites never ring. */
  readonly settled = new Set<string>();
  private readonly seen = new Set<string>();
  /** Events that came undecryptable in a batch that was not live: decrypted later, they are still history. */
  private readonly historic = new Set<string>();
  /** Caught up with the server (init_complete): only invites arriving after that may ring. */
  private live = false;
  private readonly onSignal: SignalHandler;

  constructor(onSignal: SignalHandler) {
    this.onSignal = onSignal;
  }

  /** Listens to the backend's events; returns the unsubscriber. */
  start(client: RpcClient): () => void {
    const offs = [
      client.onStatus((s) => { if (s.state !== 'open') this.live = false; }),
      client.on('sync_complete', (d) => this.onSync(d)),
      client.on('events_decrypted', (d) => this.onEvents(d.room_id, d.events)),
      client.on('init_complete', () => { this.live = true; }),
    ];
    return () => { for (const off of offs) off(); };
  }

  private onSync(d: SyncComplete): void {
    if (d.clear_state) this.live = false;
    // The stored state sent on connecting, and a fresh login's first /sync (no `since`), are history, not news.
    const live = this.live && !d.clear_state && Boolean(d.since);
    for (const [roomId, room] of Object.entries(d.rooms ?? {})) {
      if (room.events?.length) this.onEvents(roomId, room.events, live);
    }
  }

  private onEvents(roomId: string, events: readonly Event[], live = this.live): void {
    const signals: { sig: CallSignal; live: boolean }[] = [];
    for (const e of [...events].sort((a, b) => a.timestamp - b.timestamp || a.rowid - b.rowid)) {
      if (e.event_id.startsWith('~') || this.seen.has(e.event_id)) continue;
      const sig = parseCallSignal(e);
      if (!sig) {
        // Still encrypted: it comes again in events_decrypted, as old as it is now.
        if (!live) this.historic.add(e.event_id);
        continue;
      }
      this.seen.add(e.event_id);
      signals.push({ sig, live: live && !this.historic.has(e.event_id) });
      if (sig.type === 'answer' || sig.type === 'reject' || sig.type === 'hangup') this.settled.add(sig.callId);
    }
    for (const { sig, live: isLive } of signals) this.onSignal(roomId, sig, isLive);
  }
}
