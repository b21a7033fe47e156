/**
 * Turns incoming envelopes into handler calls: validates the envelope and the command's `data` against the
 * contract, answers exactly once, tracks in-flight requests for `cancel`, and never lets bad input escape as a crash.
 */
import {
  commandSchemas, describeZodError, isCommandName, parseEnvelope,
  type CommandName, type CommandResponses, type Envelope,
} from '../../../shared/rpc/index.ts';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../log/logger.ts';

export type Handler<C extends CommandName> =
  (data: z.output<(typeof commandSchemas)[C]>, signal: AbortSignal) => Promise<CommandResponses[C]> | CommandResponses[C];

export type Handlers = { [C in Exclude<CommandName, 'cancel'>]: Handler<C> };

export class Dispatcher {
  private readonly handlers: Handlers;
  private readonly reply: (env: Envelope) => void;
  private readonly inflight = new Map<number, AbortController>();
  private readonly logger: Logger;

  constructor(handlers: Handlers, reply: (env: Envelope) => void, logger: Logger = silentLogger) {
    this.handlers = handlers;
    this.reply = reply;
    this.logger = logger;
  }

  receive(raw: unknown): void {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) {
      if (parsed.request_id !== undefined) this.error(parsed.request_id, parsed.error);
      else this.logger.warn(`dropped a malformed message without request_id: ${parsed.error}`);
      return;
    }
    const { command, request_id: id, data } = parsed.env;
    if (command === 'ping') {
      if (id !== undefined) this.reply({ command: 'pong', request_id: id });
      return;
    }
    if (command === 'cancel') {
      const r = commandSchemas.cancel.safeParse(data);
      if (!r.success) return this.error(id, `invalid data for cancel: ${describeZodError(r.error)}`);
      const ctl = this.inflight.get(r.data.request_id);
      ctl?.abort(new Error(r.data.reason ? `cancelled: ${r.data.reason}` : 'cancelled'));
      if (id !== undefined) this.reply({ command: 'response', request_id: id, data: !!ctl });
      return;
    }
    if (!isCommandName(command)) return this.error(id, `unknown command "${command}"`);
    const schema = commandSchemas[command];
    const r = schema.safeParse(data ?? (schema.safeParse(undefined).success ? undefined : {}));
    if (!r.success) return this.error(id, `invalid data for ${command}: ${describeZodError(r.error)}`);
    void this.run(command as Exclude<CommandName, 'cancel'>, r.data, id);
  }

  /** Aborts everything in flight (the connection went away). */
  close(): void {
    for (const ctl of this.inflight.values()) ctl.abort(new Error('connection closed'));
    this.inflight.clear();
  }

  private async run(command: Exclude<CommandName, 'cancel'>, data: unknown, id: number | undefined): Promise<void> {
    const ctl = new AbortController();
    // The command's name, id and room only: the rest of its data may hold a password or message text.
    const log = this.logger.child({ request_id: id, command, room_id: roomIdOf(data) });
    log.debug('command');
    if (id !== undefined) {
      if (this.inflight.has(id)) return this.error(id, `request_id ${id} is already in flight`);
      this.inflight.set(id, ctl);
    }
    try {
      const handler = this.handlers[command] as (d: unknown, s: AbortSignal) => unknown;
      const result = await handler(data, ctl.signal);
      if (ctl.signal.aborted) throw ctl.signal.reason;
      if (id !== undefined) this.reply({ command: 'response', request_id: id, data: result ?? null });
    } catch (e) {
      const msg = ctl.signal.aborted ? messageOf(ctl.signal.reason) : messageOf(e);
      if (ctl.signal.aborted) log.debug(`cancelled: ${msg}`);
      else log.warn(`${command} failed: ${msg}`);
      this.error(id, msg);
    } finally {
      if (id !== undefined) this.inflight.delete(id);
    }
  }

  private error(id: number | undefined, message: string): void {
    if (id === undefined) return;
    this.reply({ command: 'error', request_id: id, data: message });
  }
}

function roomIdOf(data: unknown): string | undefined {
  const id = typeof data === 'object' && data !== null ? (data as { room_id?: unknown }).room_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'unknown error';
}
