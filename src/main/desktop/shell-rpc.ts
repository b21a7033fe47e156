/**
 * Requests from the shell's own backend connection, like any frontend's: the shell asks for a room's member
 * events when a notification names someone it has no display name for. Positive request ids, answered once with
 * `response` or `error`; a request that gets no answer in time is given up (the backend's late answer is dropped).
 */
import type { Envelope } from '../../shared/rpc/envelope.ts';
import type { CommandName, CommandParams, CommandResponses } from '../../shared/rpc/index.ts';

interface Waiter {
  resolve(data: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class ShellRpc {
  private readonly send: (env: Envelope) => void;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;

  constructor(send: (env: Envelope) => void) {
    this.send = send;
  }

  request<C extends CommandName>(command: C, data: CommandParams<C>, timeoutMs: number): Promise<CommandResponses[C]> {
    const id = this.nextId++;
    return new Promise<CommandResponses[C]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`${command} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      this.waiters.set(id, { resolve: (d) => resolve(d as CommandResponses[C]), reject, timer });
      this.send({ command, request_id: id, data });
    });
  }

  /** Takes the answers to this connection's requests; true if `env` was one (it is then not an event). */
  receive(env: Envelope): boolean {
    if ((env.command !== 'response' && env.command !== 'error') || typeof env.request_id !== 'number' || env.request_id <= 0) return false;
    const w = this.waiters.get(env.request_id);
    if (!w) return true;
    this.waiters.delete(env.request_id);
    clearTimeout(w.timer);
    if (env.command === 'response') w.resolve(env.data);
    else w.reject(new Error(typeof env.data === 'string' ? env.data : 'the backend refused the request'));
    return true;
  }

  /** The connection closed: nothing will be answered. */
  failAll(reason: string): void {
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(reason));
      this.waiters.delete(id);
    }
  }
}
