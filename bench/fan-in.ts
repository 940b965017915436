/**
 * @module
 * Fan-in: one task over N futures (a gather of a whole level, passed as one
 * array), against the same N tasks without it. Goal: the gather costs at
 * most 1.5x the tasks alone, i.e. it is linear in N. Unrecorded and
 * recorded in SQLite (the default), each case in a fresh process, the best
 * of `--repeat`.
 *
 *   node bench/fan-in.ts [--n 200000] [--repeat 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Future, resourceSet, run, sqliteRunStore, submit, task } from '@weft/core';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200000' },
    repeat: { type: 'string', default: '3' },
    case: { type: 'string' },
  },
});

type Case = 'tasks' | 'gather' | 'tasks-recorded' | 'gather-recorded';
const CASES: readonly Case[] = ['tasks', 'gather', 'tasks-recorded', 'gather-recorded'];

const leaf = task('leaf', (_ctx, i: number) => i);
const sum = task('sum', (_ctx, values: number[]) => values.reduce((a, b) => a + b, 0));

async function once(c: Case, n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-fan-in-'));
  const recorded = c.endsWith('recorded');
  const start = performance.now();
  await run(
    async () => {
      const futures: Future<number>[] = [];
      for (let i = 0; i < n; i++) futures.push(submit(leaf, i));
      if (c.startsWith('gather')) {
        const total = await submit(sum, futures);
        if (total !== (n * (n - 1)) / 2) throw new Error(`the sum is ${total}`);
      }
    },
    recorded
      ? { resources: resourceSet({ runStore: sqliteRunStore({ path: join(dir, 'weft.db') }) }) }
      : { record: false },
  );
  const seconds = (performance.now() - start) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

const n = Number(values.n);
if (values.case !== undefined) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < Number(values.repeat); r++) {
    globalThis.gc?.();
    best = Math.min(best, await once(values.case as Case, n));
  }
  process.stdout.write(JSON.stringify({ seconds: best }));
} else {
  const seconds: Record<string, number> = {};
  for (const c of CASES) {
    const args = ['--expose-gc', fileURLToPath(import.meta.url), '--case', c];
    args.push('--n', values.n, '--repeat', values.repeat);
    const out = execFileSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    seconds[c] = (JSON.parse(out) as { seconds: number }).seconds;
  }
  const s = (c: Case) => seconds[c]!.toFixed(3);
  const ratio = (a: Case, b: Case) => (seconds[a]! / seconds[b]!).toFixed(2);
  process.stdout.write(`${n.toLocaleString('en')} tasks, then one task over all of them\n`);
  printTable(
    ['', 'tasks alone s', 'with the gather s', 'gather / alone', 'goal'],
    [
      ['unrecorded', s('tasks'), s('gather'), ratio('gather', 'tasks'), '<= 1.50'],
      [
        'SQLite',
        s('tasks-recorded'),
        s('gather-recorded'),
        ratio('gather-recorded', 'tasks-recorded'),
        '<= 1.50',
      ],
    ],
  );
}
