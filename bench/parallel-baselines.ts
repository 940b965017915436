/**
 * @module
 * The baselines of the parallel benchmark, each running `n` no-op tasks on
 * two workers with `depth` tasks in flight per worker: piscina used
 * directly, and plain `child_process.fork` round trips (one message there
 * and one back per task, advanced serialization).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

/** Seconds piscina takes for `n` no-op tasks on 2 threads. */
export async function piscinaRun(n: number, depth: number): Promise<number> {
  const pool = new Piscina({
    filename: new URL('./piscina-worker.ts', import.meta.url).href,
    minThreads: 2,
    maxThreads: 2,
    concurrentTasksPerWorker: depth,
  });
  await Promise.all([pool.run(null), pool.run(null)]);
  const start = performance.now();
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) runs.push(pool.run(null));
  await Promise.all(runs);
  const seconds = (performance.now() - start) / 1000;
  await pool.destroy();
  return seconds;
}

/** Seconds 2 forked children take to answer `n` messages, `depth` in flight each. */
export async function forkRun(n: number, depth: number): Promise<number> {
  const children = [0, 1].map(() =>
    fork(fileURLToPath(new URL('./fork-child.ts', import.meta.url)), {
      serialization: 'advanced',
    }),
  );
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          c.once('message', resolve);
          c.send({ i: -1 });
        }),
    ),
  );
  const start = performance.now();
  let sent = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    for (const child of children) {
      const next = (): void => {
        if (sent < n) child.send({ i: sent++ });
      };
      child.on('message', () => {
        if (++done === n) resolve();
        else next();
      });
      for (let i = 0; i < depth; i++) next();
    }
  });
  const seconds = (performance.now() - start) / 1000;
  for (const c of children) c.kill();
  return seconds;
}
