/**
 * How the benchmark talks to a client child process, over its stdin and stdout, one line each:
 * the child prints READY when it has loaded, the parent samples the child's CPU time from /proc and answers GO,
 * the child logs in and syncs, then prints DONE with the times it measured, and waits to be killed (the parent
 * samples CPU time and peak RSS from /proc after a settling pause first). A second line asks it to stop and exit
 * on its own instead (so that, for example, `--cpu-prof` profiles get written).
 */
import { createInterface } from 'node:readline';

interface ChildContext {
  homeserverUrl: string;
  /** `since` of the request that returns the last recorded response: seeing it processed means done. */
  lastSince: string;
  /** Records a point in time, reported with DONE (e.g. 'initial' when the initial sync is processed). */
  mark: (name: string) => void;
  /** Other figures the client measured (after the timed part), reported with DONE. */
  figures: Record<string, number>;
}

export interface ChildReport {
  /** Login sent → last response processed. */
  totalMs: number;
  marks: Record<string, number>;
  figures: Record<string, number>;
}

/**
 * `setup` loads the client; the function it returns logs in and resolves once the last response is processed, with
 * a function that stops the client. The time is taken when it resolves: whatever it measures afterwards (in
 * `figures`) is outside the timed part, though not outside the CPU time and peak RSS the parent reads.
 */
export async function childMain(setup: (ctx: ChildContext) => Promise<() => Promise<() => Promise<void>>>): Promise<void> {
  const marks: Record<string, number> = {};
  let t0 = 0;
  const ctx: ChildContext = {
    homeserverUrl: process.env.BENCH_HS_URL ?? '',
    lastSince: process.env.BENCH_LAST_SINCE ?? '',
    mark: (name) => { marks[name] ??= performance.now() - t0; },
    figures: {},
  };
  const run = await setup(ctx);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('READY\n');
  await lines.next();
  t0 = performance.now();
  const stop = await run();
  const report: ChildReport = { totalMs: performance.now() - t0, marks, figures: ctx.figures };
  process.stdout.write(`DONE ${JSON.stringify(report)}\n`);
  await lines.next();
  await stop();
  process.exit(0);
}
