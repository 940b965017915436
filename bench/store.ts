/**
 * @module
 * Run store benchmark. The events of a 1,000,000-task ladder (per task:
 * submitted, ready, started, succeeded, and an 8-byte inline result) are
 * written through a SQLite store's writer and through a memory store's
 * writer in this process, timed until `close()` resolved: tasks/s of each
 * and their ratio, and the time `event()` takes on the calling thread (the
 * scheduler's), net of making the events. Then queries on the SQLite run
 * (4M events): one task's events, one task's record, the failed tasks (none),
 * the first 100 succeeded, and the last page of the run's events.
 *
 * Uses the built package (`npx tsc -b` first; `scripts/bench` does).
 *
 *   node bench/store.ts [--tasks 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunEvent, RunInfo, RunStore, RunWriter } from '@weft/core';
import { createMemoryRunStore } from '../packages/core/dist/store/memory-run-store.js';
import { openSqliteRunStore } from '../packages/core/dist/store/sqlite/sqlite-run-store.js';
import { printTable } from './table.ts';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '1000000' } } });
const n = Number(values.tasks);
const RESULT = { kind: 'inline' as const, bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
const ARGS_HASH = 'e3b0c44298fc1c14';

const info = (id: string): RunInfo => ({
  id,
  workflow: '/bench/store.ts',
  mode: undefined,
  executor: 'inline',
  params: undefined,
  rerunOf: undefined,
  cwd: process.cwd(),
  host: 'bench',
  pid: process.pid,
  startedAt: Date.now(),
});

/** Takes the events and drops them: what making them costs, when they cannot be optimized away. */
let last: unknown;
const nullWriter = {
  event(e: RunEvent) {
    last = e;
  },
  result(_id: number, result: unknown) {
    last = result;
  },
} as unknown as RunWriter;

/** Makes the ladder's events and hands them to `writer`; returns the ms taken. */
function ladder(runId: string, writer: RunWriter): number {
  const t0 = performance.now();
  let time = Date.now();
  for (let i = 0; i < n; i++) {
    const base = { runId, taskId: i, name: 'noop', label: undefined, attempt: 0, time: ++time };
    const deps = i === 0 ? [] : i === 1 ? [0] : [i - 1, i - 2];
    const events: RunEvent[] = [
      {
        ...base,
        type: 'submitted',
        parentId: -1,
        deps,
        ordinal: i,
        argsHash: ARGS_HASH,
        requirements: undefined,
      },
      { ...base, type: 'ready', time: ++time },
      { ...base, type: 'started', attempt: 1, time: ++time },
      { ...base, type: 'succeeded', attempt: 1, time: ++time },
    ];
    for (const e of events) writer.event(e);
    writer.result(i, RESULT, undefined);
  }
  if (last === undefined) throw new Error('unreachable');
  return performance.now() - t0;
}

async function write(store: RunStore, runId: string) {
  const t0 = performance.now();
  const writer = store.openRun(info(runId));
  const loop = ladder(runId, writer);
  await writer.close('succeeded');
  return { total: performance.now() - t0, loop };
}

/** The best of a few calls of `f`, in ms. */
function timeQuery(f: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-store-'));
try {
  ladder('warm-up', nullWriter);
  const gen = Math.min(ladder('gen', nullWriter), ladder('gen', nullWriter));
  const sqlite = openSqliteRunStore(join(dir, 'weft.db'));
  const sql = await write(sqlite, 'ladder');
  const memory = createMemoryRunStore();
  const mem = await write(memory, 'ladder');
  await memory[Symbol.asyncDispose]();

  const perSec = (ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
  const perEvent = (ms: number) => (((ms - gen) * 1000) / (4 * n)).toFixed(3);
  console.log(
    `${n.toLocaleString('en-US')}-task ladder, ${(4 * n).toLocaleString('en-US')} events + ${n.toLocaleString('en-US')} results; making the events alone: ${gen.toFixed(0)} ms`,
  );
  printTable(
    ['store', 'tasks/s (until close)', 'ms total', 'event() µs (calling thread)', 'tasks/s ratio'],
    [
      ['memory', perSec(mem.total), mem.total.toFixed(0), perEvent(mem.loop), '1.00'],
      [
        'sqlite',
        perSec(sql.total),
        sql.total.toFixed(0),
        perEvent(sql.loop),
        (mem.total / sql.total).toFixed(2),
      ],
    ],
  );

  const mid = Math.floor(n / 2);
  const lastSeq = 4 * n;
  console.log();
  printTable(
    ['query on the sqlite run', 'ms (best of 5)', 'rows'],
    [
      [
        `events(ladder, { taskId: ${mid} })`,
        timeQuery(() => sqlite.events('ladder', { taskId: mid })),
        sqlite.events('ladder', { taskId: mid }).length,
      ],
      [`task(ladder, ${mid})`, timeQuery(() => sqlite.task('ladder', mid)), 1],
      [
        "tasks(ladder, { limit: 100, states: ['failed'] })",
        timeQuery(() => sqlite.tasks('ladder', { limit: 100, states: ['failed'] })),
        sqlite.tasks('ladder', { limit: 100, states: ['failed'] }).length,
      ],
      [
        `tasks(ladder, { limit: 100, states: ['succeeded'], offset: ${mid} })`,
        timeQuery(() => sqlite.tasks('ladder', { limit: 100, states: ['succeeded'], offset: mid })),
        sqlite.tasks('ladder', { limit: 100, states: ['succeeded'], offset: mid }).length,
      ],
      [
        `events(ladder, { afterSeq: ${lastSeq - 1000} })`,
        timeQuery(() => sqlite.events('ladder', { afterSeq: lastSeq - 1000 })),
        sqlite.events('ladder', { afterSeq: lastSeq - 1000 }).length,
      ],
      ['runs()', timeQuery(() => sqlite.runs()), sqlite.runs().length],
    ].map(([what, ms, rows]) => [String(what), (ms as number).toFixed(3), String(rows)]),
  );
  await sqlite[Symbol.asyncDispose]();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
