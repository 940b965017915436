/**
 * @module
 * @weft/slurm against raw Slurm commands, in one run, on the repository's
 * private single-node cluster (scripts/slurm.sh start .cache/slurm):
 *
 * - per-task jobs (`mode: 'jobs'`): N independent no-op function tasks
 *   through `weft run`'s executor (each a job running `weft exec`; a wide
 *   fan-out goes out as a job array), against a shell loop of N raw
 *   `sbatch --wrap true` waiting for all (and, for scale, one raw
 *   `--array`), submit until all finished; goal: at most 1.1x the loop;
 * - delayed submission: a chain of L dependent tasks handed to the slurm
 *   batch submitter (what `weft submit` calls) and followed through the
 *   slurm follower (what `weft runs` calls) until the last one ended,
 *   against L raw `sbatch --dependency=afterok` jobs; goal: at most 1.1x.
 *   weft runs the chain as one job (`fuseChains`, the default); the same
 *   with a job per task (`fuseChains: false`) is shown beside it.
 *
 * weft runs unrecorded (`record: false`): the executor is what is measured.
 * A raw job runs `true`; a weft job starts Node and imports the task's
 * module (`weft exec`), which is most of the difference on a small machine:
 * a loop of raw jobs running `node -e 0` is shown as the floor of any job
 * that starts Node. The jobs run weft exec's bundle (scripts/bundle-exec.ts,
 * rebuilt here when core's build is newer), as after `npm run build`.
 *
 * First, what one job's `weft exec` costs outside Slurm: the median wall
 * time and the mean cpu time of `--exec-runs` runs of it (a no-op task),
 * from its bundle and from dist/ as built, against `node -e 0`.
 *
 *   node bench/slurm.ts [--tasks 200] [--chain 20] [--repeat 1] [--exec-runs 30]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run, silentLogger, submit } from '@weft/core';
import { coordinatorHash, type PlannedTask, type SubmitsBatches } from '@weft/core/executor';
import { RUN_DIR_FORMAT, weftCommand, weftVersion, writeTaskFile } from '@weft/core/worker';
import { createSlurmExecutor, slurmFollower } from '@weft/slurm';
import { link, noop } from './slurm-tasks.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '200' },
    chain: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '1' },
    'exec-runs': { type: 'string', default: '30' },
  },
});
const tasks = Number(values.tasks);
const chain = Number(values.chain);
const repeat = Number(values.repeat);
const execRuns = Number(values['exec-runs']);

const REPO = fileURLToPath(new URL('../', import.meta.url));
const started = execFileSync(
  'bash',
  [join(REPO, 'scripts/slurm.sh'), 'start', join(REPO, '.cache/slurm')],
  {
    encoding: 'utf8',
  },
);
process.env.SLURM_CONF = started
  .trim()
  .split('\n')
  .pop()!
  .replace(/^SLURM_CONF=/, '');
const scratch = join(REPO, '.cache', 'bench-slurm');
mkdirSync(scratch, { recursive: true });
const dir = mkdtempSync(join(scratch, 'run-'));

/** Seconds a bash script takes (raw Slurm commands). */
function timed(script: string): number {
  const startAt = performance.now();
  execFileSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - startAt) / 1000;
}

/** Waits (squeue every 0.1 s, as the recipe's own benchmark) until the jobs $ids have left the queue. */
const WAIT = `while squeue -h -j "$ids" -t PD,R,CG,CF -o %A 2>/dev/null | grep -q .; do sleep 0.1; done`;

const rawLoop = (n: number) =>
  timed(
    `ids=; for i in $(seq 1 ${n}); do ids="$ids\${ids:+,}$(sbatch --parsable -o /dev/null --wrap true)"; done; ${WAIT}`,
  );

/** The same loop of jobs that only start Node: the floor of any job running `weft exec`. */
const rawNodeLoop = (n: number) =>
  timed(
    `ids=; for i in $(seq 1 ${n}); do ids="$ids\${ids:+,}$(sbatch --parsable -o /dev/null --wrap '${process.execPath} -e 0')"; done; ${WAIT}`,
  );

const rawArray = (n: number) =>
  timed(`ids=$(sbatch --parsable -o /dev/null --array=0-${n - 1} --wrap true); ${WAIT}`);

const rawChain = (n: number) =>
  timed(
    `prev=$(sbatch --parsable -o /dev/null --wrap true); ids=$prev; ` +
      `for i in $(seq 2 ${n}); do prev=$(sbatch --parsable -o /dev/null --dependency=afterok:$prev --wrap true); ids="$ids,$prev"; done; ${WAIT}`,
  );

const CORE_DIST = join(REPO, 'packages/core/dist');
/** True while weft exec's bundle is no older than core's build (what bin/weft.js checks). */
const bundleFresh = (): boolean =>
  existsSync(join(CORE_DIST, 'exec/served.json')) &&
  statSync(join(CORE_DIST, 'exec/served.json')).mtimeMs >=
    statSync(join(CORE_DIST, '.tsbuildinfo')).mtimeMs;
/** Runs that lost weft exec's bundle to a build of core part-way (the jobs ran from dist/). */
let staleRuns = 0;

async function weftJobs(n: number): Promise<number> {
  // The build as `npm run build` leaves it: dist/ and weft exec's bundle.
  if (!bundleFresh())
    execFileSync(process.execPath, [join(REPO, 'scripts/bundle-exec.ts')], { stdio: 'ignore' });
  const executor = await createSlurmExecutor({ mode: 'jobs', dir, pollInterval: '100ms' });
  const startAt = performance.now();
  await run(
    () => {
      for (let i = 0; i < n; i++) submit(noop);
    },
    { executor, record: false },
  );
  const seconds = (performance.now() - startAt) / 1000;
  if (!bundleFresh()) staleRuns++;
  await executor[Symbol.asyncDispose]();
  return seconds;
}

let runs = 0;
async function weftChain(n: number, fuseChains: boolean): Promise<number> {
  const executor = await createSlurmExecutor({ mode: 'delayed', dir, fuseChains });
  const startAt = performance.now();
  const submitter = await (executor as unknown as SubmitsBatches).batchSubmitter({
    runId: `bench-${process.pid}-${++runs}`,
    cwd: REPO,
    resourceSource: undefined,
    log: silentLogger,
  });
  for (let i = 0; i < n; i++) {
    const t: PlannedTask = {
      id: i,
      prerequisites: i === 0 ? [] : [i - 1],
      task: link,
      args: [i === 0 ? 0 : null],
      inputs: i === 0 ? [] : [{ path: [0], id: i - 1 }],
      label: undefined,
    };
    await submitter.add(t);
  }
  const receipt = await submitter.complete();
  const handed = { runId: 'bench', cwd: REPO, record: receipt.record };
  const last = [n - 1];
  for (;;) {
    const seen = (await slurmFollower.observe(handed, last)).get(n - 1);
    if (seen?.state === 'succeeded') {
      if (seen.value !== n) throw new Error(`the chain ended with ${String(seen.value)}, not ${n}`);
      break;
    }
    if (seen !== undefined && seen.state !== 'pending' && seen.state !== 'running') {
      throw new Error(`the chain's last task ended ${seen.state}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - startAt) / 1000;
  await submitter[Symbol.asyncDispose]();
  await executor[Symbol.asyncDispose]();
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (s: number) => `${s.toFixed(2)} s`;

/** Cpu seconds of this process's reaped children so far (Linux: cutime + cstime of /proc/self/stat). */
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
function childCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICK;
}

/** One job's `weft exec` outside Slurm, as its job script runs it, against `node -e 0`. */
function execStart(runs: number): void {
  const run = join(dir, 'exec-start');
  writeTaskFile(run, '0.1', {
    format: RUN_DIR_FORMAT,
    version: weftVersion(),
    runId: 'exec-start',
    taskId: 0,
    attempt: 1,
    name: noop.name,
    label: undefined,
    module: 'bench/slurm-tasks.ts',
    hash: coordinatorHash(new URL('./slurm-tasks.ts', import.meta.url).href),
    args: [],
    inputs: [],
  });
  const [node, weft] = weftCommand();
  const env = { ...process.env, NODE_COMPILE_CACHE: join(dir, '.node-compile-cache') };
  const exec = [weft, 'exec', run, '0.1', '--root', REPO];
  const kinds = [
    { what: 'node -e 0', args: ['-e', '0'], env },
    { what: 'weft exec (its bundle)', args: exec, env },
    { what: 'weft exec (dist/ as built)', args: exec, env: { ...env, WEFT_EXEC_BUNDLE: '0' } },
  ];
  const walls = kinds.map(() => [] as number[]);
  const cpus = kinds.map(() => 0);
  for (let i = -1; i < runs; i++) {
    kinds.forEach((k, j) => {
      const cpu = childCpu();
      const startAt = performance.now();
      const r = spawnSync(node, k.args, { env: k.env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${k.what} exited ${r.status}: ${r.stderr}`);
      // The first round warms the compile cache, as the first job of a run does.
      if (i < 0) return;
      walls[j]!.push(performance.now() - startAt);
      cpus[j]! += childCpu() - cpu;
    });
  }
  const base = median(walls[0]!);
  console.log(`One job's start outside Slurm (${runs} runs each: median wall, mean cpu)`);
  printTable(
    ['command', 'wall (ms)', 'cpu (ms)', 'wall over node -e 0'],
    kinds.map((k, j) => [
      k.what,
      median(walls[j]!).toFixed(0),
      ((cpus[j]! / runs) * 1000).toFixed(0),
      j === 0 ? '' : `+${(median(walls[j]!) - base).toFixed(0)} ms`,
    ]),
  );
  console.log();
}

if (execRuns > 0) {
  if (!bundleFresh())
    execFileSync(process.execPath, [join(REPO, 'scripts/bundle-exec.ts')], { stdio: 'ignore' });
  execStart(execRuns);
}

// A first job of each kind, so that neither side pays for a cold start.
rawLoop(2);
await weftJobs(2);

const rows: string[][] = [];
const m = {
  loop: [] as number[],
  array: [] as number[],
  node: [] as number[],
  weft: [] as number[],
  rawC: [] as number[],
  weftC: [] as number[],
  weftU: [] as number[],
};
for (let r = 0; r < repeat; r++) {
  m.loop.push(rawLoop(tasks));
  m.array.push(rawArray(tasks));
  m.node.push(rawNodeLoop(tasks));
  m.weft.push(await weftJobs(tasks));
  m.rawC.push(rawChain(chain));
  m.weftC.push(await weftChain(chain, true));
  m.weftU.push(await weftChain(chain, false));
}
const loop = median(m.loop);
const weftJ = median(m.weft);
rows.push([
  `${tasks} no-op tasks, jobs mode`,
  fmt(weftJ),
  fmt(loop),
  `${(weftJ / loop).toFixed(2)}x`,
  '<= 1.1x',
]);
rows.push([`  (raw --array=0-${tasks - 1}, for scale)`, '', fmt(median(m.array)), '', '']);
const node = median(m.node);
rows.push([
  '  (raw loop of `node -e 0` jobs: the floor)',
  '',
  fmt(node),
  `${(node / loop).toFixed(2)}x`,
  '',
]);
const rawC = median(m.rawC);
const weftC = median(m.weftC);
rows.push([
  `chain of ${chain}, delayed (afterok)`,
  fmt(weftC),
  fmt(rawC),
  `${(weftC / rawC).toFixed(2)}x`,
  '<= 1.1x',
]);
const weftU = median(m.weftU);
rows.push([
  '  (the same, a job per task: fuseChains: false)',
  fmt(weftU),
  fmt(rawC),
  `${(weftU / rawC).toFixed(2)}x`,
  '',
]);
console.log(
  `Slurm benchmark (${repeat} run${repeat === 1 ? '' : 's'}, median; submit until all finished)`,
);
printTable(['what', 'weft', 'raw Slurm', 'weft/raw', 'goal'], rows);
if (staleRuns > 0) {
  console.log(
    `note: core was rebuilt during ${staleRuns} jobs-mode run(s), so some jobs ran weft exec from dist/ instead of its bundle`,
  );
}
rmSync(dir, { recursive: true, force: true });
