/**
 * @module
 * @weft/slurm's pilot mode against the local `processes` executor, in one
 * run: N tasks of M ms (a timer sleep, so that the figure is the executors'
 * overhead and not a fight for the 2 cores) through 2 pilot jobs on the
 * repository's private single-node cluster (scripts/slurm.sh start
 * .cache/slurm, 2 cpus) and a private Redis (scripts/redis.sh), against the
 * same tasks through `processes`. Goal: pilots at least 0.5x the
 * throughput of `processes`.
 *
 * Same slots on both sides: 2 pilots of 1 cpu each (the node has 2), each
 * a queue worker of concurrency 1 (a pilot runs as many tasks at once as it
 * has cpus), against `processes` with 2 worker processes of concurrency 1.
 *
 * Throughput counts from the first task's start to the last task's end (the
 * tasks report both, wall clock); the submit-to-finish figure of the same
 * run is shown beside it. Neither includes start-up: on each side a warm-up
 * run goes first (for pilots: until both pilots have run a task), and the
 * pilots' start-up (sbatch, Slurm's queue, Node, the worker's connection:
 * from the first submit until each pilot ran its first task) is reported on
 * its own line. Two lines say where a task's time goes on each side: inside
 * the task (end - start) and a worker's gap from one task's end to its next
 * task's start (result sent, next job taken, opened and started). The Redis this starts is stopped at the end (by its pid);
 * the Slurm cluster, which others share, is left running.
 *
 *   node bench/pilot.ts [--tasks 2000] [--ms 10] [--repeat 1]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Executor, gather, processesExecutor, run, submit } from '@weft/core';
import { createSlurmExecutor } from '@weft/slurm';
import { whereRun, work } from './pilot-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '2000' },
    ms: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '1' },
  },
});
const tasks = Number(values.tasks);
const ms = Number(values.ms);
const repeat = Number(values.repeat);
const PILOTS = 2;
const SLOTS = 2;

const REPO = fileURLToPath(new URL('../', import.meta.url));
const started = execFileSync(
  'bash',
  [join(REPO, 'scripts/slurm.sh'), 'start', join(REPO, '.cache/slurm')],
  { encoding: 'utf8' },
);
process.env.SLURM_CONF = started
  .trim()
  .split('\n')
  .pop()!
  .replace(/^SLURM_CONF=/, '');
const scratch = join(REPO, '.cache', 'bench-pilot');
mkdirSync(scratch, { recursive: true });
const dir = mkdtempSync(join(scratch, 'run-'));
const redisDir = join(dir, 'redis');
const port = execFileSync(join(REPO, 'scripts/redis.sh'), ['start', redisDir], {
  encoding: 'utf8',
}).trim();
const redis = `redis://127.0.0.1:${port}`;

const now = () => performance.timeOrigin + performance.now();

/** One run of `n` tasks: when it was submitted and finished, and each task's [start, end, pid]. */
interface Timed {
  readonly submitted: number;
  readonly finished: number;
  readonly spans: readonly (readonly [number, number, number])[];
}

async function timedRun(executor: Executor, n: number): Promise<Timed> {
  const submitted = now();
  const spans = (await run(() => gather(Array.from({ length: n }, () => submit(work, ms))), {
    executor,
    record: false,
  })) as [number, number, number][];
  const finished = now();
  if (spans.length !== n) throw new Error(`${spans.length} results, not ${n}`);
  return { submitted, finished, spans };
}

interface Figures {
  /** Tasks per second, first task start to last task end. */
  readonly busy: number;
  /** Tasks per second, submit to finish. */
  readonly wall: number;
  /** Milliseconds a task took inside its worker (end - start), on average. */
  readonly inTask: number;
  /** Milliseconds from one task's end to the next one's start in the same worker, on average. */
  readonly gap: number;
}

function figures(t: Timed): Figures {
  const first = Math.min(...t.spans.map((s) => s[0]));
  const last = Math.max(...t.spans.map((s) => s[1]));
  const n = t.spans.length;
  const byWorker = Map.groupBy(t.spans, (s) => s[2]);
  let gaps = 0;
  let count = 0;
  for (const spans of byWorker.values()) {
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      gaps += sorted[i]![0] - sorted[i - 1]![1];
      count++;
    }
  }
  return {
    busy: (n * 1000) / (last - first),
    wall: (n * 1000) / (t.finished - t.submitted),
    inTask: t.spans.reduce((a, s) => a + s[1] - s[0], 0) / n,
    gap: count === 0 ? 0 : gaps / count,
  };
}

async function processesSide(): Promise<Figures> {
  const executor = processesExecutor({
    max: SLOTS,
    concurrency: 1,
    preload: [new URL('./pilot-tasks.ts', import.meta.url)],
  });
  try {
    await executor.ready();
    await timedRun(executor, 20 * SLOTS);
    return figures(await timedRun(executor, tasks));
  } finally {
    await executor[Symbol.asyncDispose]();
  }
}

let queues = 0;
/** The pilot side; `startUp` is seconds from the first submit until each pilot ran a task. */
async function pilotSide(): Promise<Figures & { startUp: number[] }> {
  const executor = (await createSlurmExecutor({
    mode: 'pilot',
    dir,
    pollInterval: '100ms',
    pilots: {
      count: PILOTS,
      cpus: SLOTS / PILOTS,
      redis,
      queue: `bench-pilot-${process.pid}-${++queues}`,
    },
  })) as Executor;
  try {
    // Warm-up: small runs until every pilot has run a task (its worker is up, the module imported).
    const firstSubmit = now();
    const firstTask = new Map<string, number>();
    while (firstTask.size < PILOTS) {
      if (now() - firstSubmit > 300_000)
        throw new Error('the pilots did not both start in 5 minutes');
      const warm = await run(
        () => gather(Array.from({ length: 4 * PILOTS }, () => submit(whereRun, ms))),
        { executor, record: false },
      );
      for (const [pid, start] of warm as [string, number][]) {
        if (!firstTask.has(pid) || firstTask.get(pid)! > start) firstTask.set(pid, start);
      }
    }
    const startUp = [...firstTask.values()]
      .map((t) => (t - firstSubmit) / 1000)
      .sort((a, b) => a - b);
    return { ...figures(await timedRun(executor, tasks)), startUp };
  } finally {
    await executor[Symbol.asyncDispose]();
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (r: number) => `${Math.round(r).toLocaleString('en')}/s`;
const msOf = (x: number) => `${x.toFixed(2)} ms`;

const local: Figures[] = [];
const pilot: (Figures & { startUp: number[] })[] = [];
try {
  for (let r = 0; r < repeat; r++) {
    local.push(await processesSide());
    pilot.push(await pilotSide());
  }
  /** The median of one figure, on both sides: [pilot, processes]. */
  const both = (f: (x: Figures) => number) => [median(pilot.map(f)), median(local.map(f))] as const;
  const row = (what: string, [p, l]: readonly [number, number], show: (x: number) => string) => [
    what,
    show(p),
    show(l),
    `${(p / l).toFixed(2)}x`,
  ];
  const busy = both((x) => x.busy);
  const bothUp = pilot.map((x) => Math.max(...x.startUp));
  console.log(
    `Pilot benchmark (${repeat} run${repeat === 1 ? '' : 's'}, median; ` +
      `${PILOTS} pilots of ${SLOTS / PILOTS} cpu against processes max ${SLOTS}, concurrency 1)`,
  );
  printTable(
    ['what', 'pilot', 'processes', 'pilot/processes', 'goal'],
    [
      [
        ...row(
          `${tasks.toLocaleString('en')} tasks of ${ms} ms, ${SLOTS} slots, first start to last end`,
          busy,
          rate,
        ),
        '>= 0.5x',
      ],
      [
        ...row(
          '  same run, submit to finish',
          both((x) => x.wall),
          rate,
        ),
        '',
      ],
      [
        ...row(
          '  per task: inside the task (end - start)',
          both((x) => x.inTask),
          msOf,
        ),
        '',
      ],
      [
        ...row(
          "  per task: a worker's gap between two tasks",
          both((x) => x.gap),
          msOf,
        ),
        '',
      ],
      [
        "  pilots' start-up, first submit to both serving (not counted above)",
        `${median(bothUp).toFixed(2)} s` +
          (repeat === 1
            ? ''
            : ` (${Math.min(...bothUp).toFixed(2)}-${Math.max(...bothUp).toFixed(2)})`),
        '',
        '',
        '',
      ],
    ],
  );
} finally {
  execFileSync(join(REPO, 'scripts/redis.sh'), ['stop', redisDir]);
  rmSync(dir, { recursive: true, force: true });
}
