/**
 * @module
 * The live progress display's cost: `weft run` of the 1,000,000-task ladder
 * with its output on a pseudo-terminal (util-linux `script`), so the live
 * block is drawn, against the same run with `--quiet` and its output
 * discarded. Both record the run in a SQLite store. Prints wall times and
 * the ratio (goal: close to 1, the display must not slow the scheduler).
 *
 *   node bench/progress.ts [--n 1000000] [--repeat 2]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '2' } },
});
const bin = fileURLToPath(new URL('../packages/core/bin/weft.js', import.meta.url));
const workflow = fileURLToPath(new URL('./fixtures/ladder-workflow.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-bench-progress-'));
const base = [bin, 'run', workflow, '--param', `n=${values.n}`, '--store', join(dir, 'weft.db')];
const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;

function timed(f: () => void): number {
  const start = performance.now();
  f();
  return (performance.now() - start) / 1000;
}

let tty = Number.POSITIVE_INFINITY;
let quiet = Number.POSITIVE_INFINITY;
let drawn = 0;
for (let r = 0; r < Number(values.repeat); r++) {
  quiet = Math.min(
    quiet,
    timed(() => execFileSync(process.execPath, [...base, '--quiet'], { stdio: 'ignore' })),
  );
  tty = Math.min(
    tty,
    timed(() => {
      const cmd = [process.execPath, ...base].map(quote).join(' ');
      const out = spawnSync('script', ['-qfec', cmd, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, COLUMNS: '120', LINES: '40' },
      });
      if (out.status !== 0) throw new Error(`weft run failed under script: ${out.stdout}`);
      drawn = out.stdout.split('\u001b[1A').length - 1; // one cursor-up per erased line
    }),
  );
}
rmSync(dir, { recursive: true, force: true });
const n = Number(values.n);
printTable(
  ['weft run, ladder', 'seconds', 'tasks/s'],
  [
    [
      `tty (live block, ${drawn} redraws)`,
      tty.toFixed(2),
      Math.round(n / tty).toLocaleString('en'),
    ],
    ['--quiet, output discarded', quiet.toFixed(2), Math.round(n / quiet).toLocaleString('en')],
    ['ratio quiet / tty', (quiet / tty).toFixed(2), ''],
  ],
);
