/**
 * The frontends connected to the backend: each one's dispatcher and its own numbering of events (negative request
 * IDs, as gomuks counts them), events sent to one or to all, and the init_complete owed to those waiting for the
 * first sync of a fresh sign-in. What a new connection is told first is the backend's to say (backend.ts).
 */
import { errorMessage } from '../../../shared/error-message.ts';
import type { Envelope, EventName, EventPayloads, SyncComplete } from '../../../shared/rpc/index.ts';
import type { Logger } from '../log/logger.ts';
import type { BackendConnection, EnvelopeSink } from './connection.ts';
import { Dispatcher, type Handlers } from './dispatcher.ts';
import { chunkSyncComplete } from './sync-chunks.ts';
import { wireSyncComplete } from './wire-shape.ts';

interface Conn {
  send: EnvelopeSink;
  nextEventId: number;
  dispatcher: Dispatcher;
  /** init_complete is owed once the first sync of a fresh login lands. */
  awaitingInit: boolean;
}

/** One frontend, as the backend greets it before handing its connection out. */
export interface Frontend {
  emit<E extends EventName>(command: E, data: EventPayloads[E]): void;
  /** Owes it init_complete until initialized() (the first sync of a sign-in is still under way). */
  awaitInit(): void;
  readonly connection: BackendConnection;
}

export class Frontends {
  private readonly conns = new Set<Conn>();
  private readonly handlers: Handlers;
  private readonly logger: Logger;

  /** `handlers` are shared by every connection, so state such as "a login is in progress" is the backend's. */
  constructor(handlers: Handlers, logger: Logger) {
    this.handlers = handlers;
    this.logger = logger;
  }

  connect(send: EnvelopeSink): Frontend {
    const conn: Conn = {
      send,
      nextEventId: -1,
      awaitingInit: false,
      dispatcher: new Dispatcher(this.handlers, (env) => safeSend(send, env, this.logger), this.logger),
    };
    this.conns.add(conn);
    return {
      emit: (command, data) => this.emit(conn, command, data),
      awaitInit: () => { conn.awaitingInit = true; },
      connection: {
        receive: (raw) => { if (this.conns.has(conn)) conn.dispatcher.receive(raw); },
        close: () => { conn.dispatcher.close(); this.conns.delete(conn); },
      },
    };
  }

  broadcast<E extends EventName>(command: E, data: EventPayloads[E]): void {
    if (command !== 'sync_complete') {
      for (const c of this.conns) this.emit(c, command, data);
      return;
    }
    // A diff of many rooms goes as several smaller envelopes (rpc/sync-chunks.ts), each serialized once for all.
    for (const chunk of chunkSyncComplete(data as SyncComplete)) {
      const payload = wireSyncComplete(chunk) as EventPayloads[E];
      for (const c of this.conns) this.emit(c, command, payload);
    }
  }

  /** A sign-in started: every frontend connected now is owed init_complete after its first sync. */
  awaitInit(): void {
    for (const c of this.conns) c.awaitingInit = true;
  }

  /** The first sync landed: init_complete to every frontend still owed it. */
  initialized(): void {
    for (const c of this.conns) {
      if (c.awaitingInit) {
        c.awaitingInit = false;
        this.emit(c, 'init_complete', {});
      }
    }
  }

  /** Shutting down: requests under way are cancelled and nothing more is sent. */
  closeAll(): void {
    for (const c of this.conns) c.dispatcher.close();
    this.conns.clear();
  }

  private emit<E extends EventName>(conn: Conn, command: E, data: EventPayloads[E]): void {
    safeSend(conn.send, { command, request_id: conn.nextEventId--, data }, this.logger);
  }
}

/** A frontend that cannot take an envelope (its window or socket just went) must not break the others. */
function safeSend(send: EnvelopeSink, env: Envelope, logger: Logger): void {
  try {
    send(env);
  } catch (e) {
    logger.warn(`could not deliver ${env.command}: ${errorMessage(e)}`, { request_id: env.request_id });
  }
}
