/**
 * @module
 * The projects the queue's fault tests run: a task that records where and
 * when it started (`started.txt`: id, attempt, worker pid) and, for ids that
 * start with `block`, waits until the test creates the file `go`; and
 * workflows built from it.
 */

/** The task module: `work(id)` (see the module). */
export const TASKS = `
import { appendFileSync, existsSync } from 'node:fs';
import { submit, task } from '@weft/core';

const here = (f: string) => new URL(f, import.meta.url);

export const work = task('work', async (ctx, id: string) => {
  appendFileSync(here('started.txt'), \`\${id} \${ctx.attempt} \${process.pid}\\n\`);
  if (id.startsWith('block')) {
    while (!existsSync(here('go'))) await new Promise((r) => setTimeout(r, 10));
  }
  return id;
});

export const big = task('big', async (_ctx, bytes: number) => 'x'.repeat(bytes));

export const gpu = task({ name: 'gpu', requirements: { gpus: 1 } }, async () => process.pid);

export const ssd = task({ name: 'ssd', requirements: { ssd: 1 } }, async () => process.pid);

/** A tree of tasks awaiting their children, depth levels deep; returns its leaves. */
export const tree = task('tree', async (_ctx, depth: number): Promise<number> => {
  if (depth === 0) return 1;
  const kids = [submit(tree, depth - 1), submit(tree, depth - 1)];
  let leaves = 0;
  for (const kid of kids) leaves += await kid;
  return leaves;
});
`;

/** A workflow submitting `work` for each id, then one task after all of them. */
export function workflow(ids: readonly string[]): string {
  return `
import { submit } from '@weft/core';
import { work } from './tasks.ts';

export default async function main() {
  const first = ${JSON.stringify(ids)}.map((id) => submit(work, id));
  return { first, after: submit(work, 'after', { after: first }) };
}
`;
}

/** The `started.txt` lines of `id`: [attempt, pid] of each start. */
export function startsOf(lines: readonly string[], id: string): [number, number][] {
  return lines
    .map((l) => l.split(' '))
    .filter((p) => p[0] === id)
    .map((p) => [Number(p[1]), Number(p[2])]);
}
