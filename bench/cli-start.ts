/**
 * @module
 * Cold start of the `weft` command: the wall time of `node
 * packages/core/bin/weft.js run <workflow with one task>` against `node -e
 * 0`, each spawned afresh, best of `--repeat` (default 10). The difference
 * is weft's own start-up (loading the command and the engine, opening the
 * run store, running one task, closing); the goal is under 300 ms. Needs a
 * build (npx tsc -b). Runs after the first find Node's compile cache warm
 * (see packages/core/src/util/compile-cache.ts), as a user's do; a row
 * without it shows what the cache saves. The workflow and its store live in a temporary
 * directory under .cache/ (so `weft` resolves through the workspace).
 * Also the README's way, `npx weft --version`, against the bin run
 * directly: what npx adds (goal: under a second), with this process's Node
 * and, when the machine has an older Node on PATH, with that one's npx (the
 * bin then runs itself again with the provisioned Node).
 *
 *   node bench/cli-start.ts [--repeat 10]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Milliseconds of the fastest of `repeat` runs of `args` (of `command`, default this Node). */
function best(args: string[], command = process.execPath, env = process.env): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', env });
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
  // Without Node's compile cache: every module compiled, the workflow type-stripped.
  const uncached = best([bin, 'run', workflow, '--quiet'], process.execPath, {
    ...process.env,
    NODE_DISABLE_COMPILE_CACHE: '1',
  });
  const help = best([bin, '--help']);
  const version = best([bin, '--version']);
  const npxOf = (path: string) => spawnSync('which', ['npx'], { env: { PATH: path } }).stdout;
  const ownPath = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  const npx = best(['weft', '--version'], 'npx', { ...process.env, PATH: ownPath });
  // The machine's own Node, when it is not this one (an older Node 20: the bin re-runs itself).
  const systemPath = '/usr/local/bin:/usr/bin:/bin';
  const systemNpx = npxOf(systemPath)?.toString().trim();
  const older =
    systemNpx && !systemNpx.startsWith(dirname(process.execPath))
      ? best(['weft', '--version'], systemNpx, { ...process.env, PATH: systemPath })
      : undefined;
  printTable(
    ['command', `best of ${repeat} (ms)`],
    [
      ['node -e 0', node.toFixed(0)],
      ['weft --help', help.toFixed(0)],
      ['weft run one.ts', weft.toFixed(0)],
      ["weft's own (run - node)", (weft - node).toFixed(0)],
      ['weft run one.ts, no compile cache', uncached.toFixed(0)],
      ['weft --version (the bin)', version.toFixed(0)],
      ['npx weft --version', npx.toFixed(0)],
      ...(older === undefined
        ? []
        : [['npx weft --version (machine Node, re-run)', older.toFixed(0)]]),
    ],
  );
  const added = Math.max(npx, older ?? 0) - version;
  console.log(`npx adds ${added.toFixed(0)} ms at most (goal < 1000 ms)`);
  const own = weft - node;
  console.log(
    `\n${own < 300 ? 'ok' : 'SLOW'}: weft's own start-up is ${own.toFixed(0)} ms (goal < 300 ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
