/**
 * @module
 * Cold start of the `weft` command: the wall time of `node
 * packages/core/bin/weft.js run <workflow with one task>` against `node -e
 * 0`, each spawned afresh, best of `--repeat` (default 10). The difference
 * is weft's own start-up (loading the command and the engine, opening the
 * run store, running one task, closing); the goal is under 300 ms. Needs a
 * build (npx tsc -b). The workflow and its store live in a temporary
 * directory under .cache/ (so `weft` resolves through the workspace).
 *
 *   node bench/cli-start.ts [--repeat 10]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './table.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '10' } } });
const repeat = Number(values.repeat);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/core/bin/weft.js');
mkdirSync(join(root, '.cache'), { recursive: true });
const dir = mkdtempSync(join(root, '.cache', 'cli-start-'));
const workflow = join(dir, 'one.ts');
writeFileSync(
  workflow,
  `import { submit, task } from '@weft/core';
export const one = task('one', async () => 1);
export default async function main() { return submit(one); }
`,
);

/** Milliseconds of the fastest of `repeat` runs of `args`. */
function best(args: string[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - start;
    if (r.status !== 0) {
      throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    }
    min = Math.min(min, ms);
  }
  return min;
}

try {
  const node = best(['-e', '0']);
  const weft = best([bin, 'run', workflow, '--quiet']);
  const help = best([bin, '--help']);
  printTable(
    ['command', `best of ${repeat} (ms)`],
    [
      ['node -e 0', node.toFixed(0)],
      ['weft --help', help.toFixed(0)],
      ['weft run one.ts', weft.toFixed(0)],
      ["weft's own (run - node)", (weft - node).toFixed(0)],
    ],
  );
  const own = weft - node;
  console.log(
    `\n${own < 300 ? 'ok' : 'SLOW'}: weft's own start-up is ${own.toFixed(0)} ms (goal < 300 ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
