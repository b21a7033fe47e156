/**
 * What the preview backend (preview-backend.ts) is built from besides its data: a connected page's event stream, the
 * logger its dispatcher reports to, the client states it answers with, and small helpers for its handlers.
 */
import { createLogger, type LogRecord } from '../../../src/main/backend/log/logger.ts';
import type { Handlers } from '../../../src/main/backend/rpc/dispatcher.ts';
import type { EnvelopeSink } from '../../../src/main/backend/rpc/connection.ts';
import type { EventName, EventPayloads } from '../../../src/shared/rpc/index.ts';
import type { ClientState } from '../../../src/shared/rpc/types.ts';
import { ME } from './fake-data.ts';

/** One connected page: where its events go, numbered downwards from -1 as the real backend does. */
export class PreviewConnection {
  private readonly sink: EnvelopeSink;
  private lastEventId = 0;

  constructor(sink: EnvelopeSink) {
    this.sink = sink;
  }

  push<E extends EventName>(command: E, data: EventPayloads[E]): void {
    this.lastEventId -= 1;
    this.sink({ command, request_id: this.lastEventId, data });
  }
}

/** The preview prints what its dispatcher reports (failed commands), as the real host's stderr sink would. */
export const previewLogger = createLogger({
  level: 'warn',
  sinks: [{ write: (r: LogRecord) => { console.log(`[preview backend] ${r.msg}${r.command ? ` (${String(r.command)})` : ''}`); } }],
});

export function loggedInState(homeserverUrl: string): ClientState {
  return { is_initialized: true, is_logged_in: true, is_verified: true, verification_state: { is_verified: true, state_checked: true, has_cross_signing: true, has_ssss: true }, user_id: ME, device_id: 'PREVIEW', homeserver_url: homeserverUrl };
}

export function loggedOutState(): ClientState {
  return { is_initialized: true, is_logged_in: false, is_verified: false, verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false } };
}

/**
 * Runs `fn` once the dispatcher has sent the command's answer, so events the command causes arrive after it, in
 * the order the real backend sends them.
 */
export function afterReply(fn: () => void): void {
  setImmediate(fn);
}

export function markdownish(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`(.+?)`/g, '<code>$1</code>').replace(/\n/g, '<br>');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Handlers that answer, in words, that the preview backend does not imitate these commands. */
export function notInPreview<C extends keyof Handlers>(...names: C[]): Pick<Handlers, C> {
  const out: Partial<Record<keyof Handlers, () => never>> = {};
  for (const n of names) out[n] = () => { throw new Error(`the preview backend does not implement ${n}`); };
  return out as Pick<Handlers, C>;
}
