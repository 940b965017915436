/**
 * @module
 * Real workflows from WfCommons: every instance in `../shared/wfinstances`
 * (beside the repository; the benchmark says so and stops when it is
 * absent) runs in simulate mode on the inline executor with 16 cores, its
 * runtimes scaled so that its lower bound is `--seconds` (3 s), recorded in
 * SQLite as runs are by default. For each: every dependency is checked from
 * the recorded start and end times (a task starts only after each parent
 * ended), and the makespan (first start to last end, as recorded) is set
 * beside the lower bound (goal: within 1.05x; `graph/makespan-bound.ts`:
 * the largest of the critical path, the work over 16 cores, and what the
 * graph's fan-outs, drains and waves must leave idle, named in `by`) and beside the list schedule weft's dispatch makes with no
 * overhead at all (`est`), which is what the graph itself allows with
 * these priorities. Each instance runs in longest-path order and in
 * first-in-first-out order.
 *
 * Then reading and planning the largest instance (read, parse, validate
 * against its schema, normalise, sort, plan) against reading and parsing
 * its JSON alone: the first time in this process (ajv loaded and the
 * schema compiled) and the median of `--repeat` warm runs.
 *
 *   node bench/wfformat.ts [--cores 16] [--seconds 3] [--repeat 20] [--dir ../shared/wfinstances]
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acquireSqliteStore, wfformat } from '@weft/core';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    cores: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '20' },
    dir: { type: 'string' },
  },
});
const CORES = Number(values.cores);
const TARGET = Number(values.seconds);
const REPEAT = Number(values.repeat);
const DIR = resolve(
  values.dir ?? fileURLToPath(new URL('../../shared/wfinstances/', import.meta.url)),
);
const GOAL = 1.05;

if (!existsSync(DIR)) {
  console.log(
    `no instances: ${DIR} does not exist (the WfCommons instances live beside the repository, in ../shared/wfinstances); nothing to measure`,
  );
  process.exit(0);
}
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
if (files.length === 0) {
  console.log(`no instances: ${DIR} holds no .json file; nothing to measure`);
  process.exit(0);
}

// ---- reading and planning the largest instance (first: nothing is loaded yet) ----

const largest = files.reduce((a, b) =>
  statSync(join(DIR, a)).size >= statSync(join(DIR, b)).size ? a : b,
);
const largestPath = join(DIR, largest);

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parseOnly = async () => JSON.parse(await readFile(largestPath, 'utf8'));
const readAndPlan = async () => {
  const wf = await wfformat.load(largestPath, { cores: CORES });
  return wf.plan();
};
const coldParse = await timed(parseOnly);
const coldPlan = await timed(readAndPlan);
const warmParse: number[] = [];
const warmPlan: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  warmParse.push(await timed(parseOnly));
  warmPlan.push(await timed(readAndPlan));
}

// ---- every instance, run ----

interface Measured {
  readonly makespan: number;
  readonly violations: number;
  readonly tasks: number;
}

/** Runs the instance; the makespan and the dependency check come from the run store. */
async function measure(wf: wfformat.WfWorkflow, params: wfformat.WfParams): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-wf-'));
  const file = join(dir, 'weft.db');
  try {
    const { runId } = await wfformat.run(wf, params, { store: file });
    const { store, release } = acquireSqliteStore(file);
    try {
      const tasks = store.tasks(runId, { limit: Number.MAX_SAFE_INTEGER });
      const byId = new Map(tasks.map((t) => [t.id, t]));
      let violations = 0;
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      for (const t of tasks) {
        if (t.startedAt === undefined || t.endedAt === undefined || t.state !== 'succeeded') {
          violations++;
          continue;
        }
        first = Math.min(first, t.startedAt);
        last = Math.max(last, t.endedAt);
        for (const d of t.deps) {
          const p = byId.get(d);
          if (p?.endedAt === undefined || t.startedAt < p.endedAt) violations++;
        }
      }
      return { makespan: (last - first) / 1000, violations, tasks: tasks.length };
    } finally {
      release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [];
let met = 0;
let allDeps = true;
for (const f of files) {
  const wf = await wfformat.load(join(DIR, f));
  const unscaled = wf.plan({ cores: CORES, timeScale: 1 });
  const timeScale = TARGET / unscaled.lowerBoundSeconds;
  const params = { cores: CORES, timeScale };
  const lrp = wf.plan(params);
  const fifoPlan = wf.plan({ ...params, order: 'fifo' });
  const a = await measure(wf, params);
  const b = await measure(wf, { ...params, order: 'fifo' });
  const lb = lrp.lowerBoundSeconds;
  if (a.makespan / lb <= GOAL) met++;
  if (a.violations + b.violations > 0 || a.tasks !== wf.instance.tasks.length) allDeps = false;
  rows.push([
    f.replace(/\.json$/, ''),
    wf.instance.schemaVersion,
    String(wf.instance.tasks.length),
    timeScale.toPrecision(3),
    lb.toFixed(2),
    lrp.lowerBoundBy,
    lrp.estimateSeconds.toFixed(2),
    a.makespan.toFixed(2),
    `${(a.makespan / lb).toFixed(3)}x`,
    `${(lrp.estimateSeconds / lb).toFixed(3)}x`,
    `${(a.makespan / lrp.estimateSeconds).toFixed(3)}x`,
    `${(b.makespan / lb).toFixed(3)}x`,
    `${(fifoPlan.estimateSeconds / lb).toFixed(3)}x`,
    a.violations + b.violations === 0 ? 'ok' : `${a.violations + b.violations} broken`,
  ]);
}

console.log(
  `WfCommons instances in ${DIR}: simulate mode, inline executor, ${CORES} cores, runtimes scaled to a ${TARGET} s lower bound, recorded in SQLite\n`,
);
printTable(
  [
    'instance',
    'v',
    'tasks',
    'scale',
    'bound s',
    'by',
    'est s',
    'made s',
    'made/bound',
    'est/bound',
    'made/est',
    'fifo made/bound',
    'fifo est/bound',
    'deps',
  ],
  rows,
);
console.log(
  `\nlongest-path order: makespan within ${GOAL}x of the lower bound for ${met} of ${files.length} instances; ` +
    `every dependency respected (from recorded start and end): ${allDeps ? 'yes' : 'NO'}`,
);
console.log(
  "est: the list schedule of weft's dispatch with these priorities and no overhead; est/bound is how far that schedule may be from the best one, made/est is what weft adds.",
);
console.log(
  `\nreading and planning ${largest} (${(statSync(largestPath).size / 2 ** 20).toFixed(2)} MB, ${
    (await wfformat.load(largestPath)).instance.tasks.length
  } tasks) against reading and parsing its JSON:`,
);
printTable(
  ['', 'read+parse ms', 'read+validate+plan ms', 'ratio'],
  [
    [
      'first (ajv loaded, schema compiled)',
      coldParse.toFixed(1),
      coldPlan.toFixed(1),
      `${(coldPlan / coldParse).toFixed(1)}x`,
    ],
    [
      `warm (median of ${REPEAT})`,
      median(warmParse).toFixed(1),
      median(warmPlan).toFixed(1),
      `${(median(warmPlan) / median(warmParse)).toFixed(1)}x`,
    ],
  ],
);
