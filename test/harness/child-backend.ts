/**
 * A whole backend in a child process (test/integration/fixtures/backend-child.ts), driven over its stdin/stdout
 * with the RPC envelope, so a test can kill it with SIGKILL the way a crash or a force-quit would, or stop it
 * gracefully by closing its input.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Envelope } from '../../src/shared/rpc/index.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'integration', 'fixtures', 'backend-child.ts');

export class ChildBackend {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly received: Envelope[] = [];
  readonly exited: Promise<void>;
  private nextId = 1;
  private listeners: (() => void)[] = [];

  /** `sender`: options for its outbox (plain values only, e.g. `previewWaitMs`), passed on its command line. */
  constructor(root: string, sender: Record<string, number> = {}) {
    this.proc = spawn(process.execPath, [CHILD, root, JSON.stringify(sender)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', () => {}); // the backend's log; the tests read the envelope only
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      this.received.push(JSON.parse(line) as Envelope);
      for (const l of this.listeners) l();
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', () => resolve()));
  }

  /** The first envelope (already received or arriving) that matches. */
  waitFor(match: (e: Envelope) => boolean, timeoutMs: number, what: string): Promise<Envelope> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
      const check = () => {
        const e = this.received.find(match);
        if (e) { clearTimeout(timer); done(); resolve(e); }
      };
      const done = () => { this.listeners = this.listeners.filter((l) => l !== check); };
      this.listeners.push(check);
    });
  }

  async request(command: string, data: unknown, timeoutMs = 30_000): Promise<unknown> {
    const id = this.nextId++;
    this.proc.stdin.write(`${JSON.stringify({ command, request_id: id, data })}\n`);
    const reply = await this.waitFor((e) => e.request_id === id && (e.command === 'response' || e.command === 'error'), timeoutMs, command);
    if (reply.command === 'error') throw new Error(String(reply.data));
    return reply.data;
  }

  /** A crash: no chance to flush or close anything. */
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** A normal shutdown: the backend closes its stores when its input ends. */
  async stop(): Promise<void> {
    this.proc.stdin.end();
    await this.exited;
  }
}
