/**
 * `weft exec <run-dir> <key>`, what every batch job runs, through the built
 * `bin/weft.js` as a job starts it: a task file in, a result file out
 * (value or error, logs and output), its retries and timeout, its exit
 * codes, and its refusals (a bad key, a module outside the project root),
 * both from weft exec's bundle (scripts/bundle-exec.ts) and from dist/ as
 * built; a bundle older than the build is not used.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { coordinatorHash } from '@weft/core/executor';
import {
  type ResultFile,
  RUN_DIR_FORMAT,
  readResultFile,
  type TaskFile,
  weftVersion,
  writeTaskFile,
} from '@weft/core/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, REPO } from './fixtures/cli/harness.ts';

const DIST = join(REPO, 'packages/core/dist');
const SERVED = join(DIST, 'exec/served.json');

const base = join(REPO, '.cache', 'exec-tests');
mkdirSync(base, { recursive: true });
const project = mkdtempSync(join(base, 'p-'));
const outside = mkdtempSync(join(base, 'outside-'));
copyFileSync(join(import.meta.dirname, 'fixtures/exec/tasks.ts'), join(project, 'tasks.ts'));
copyFileSync(join(import.meta.dirname, 'fixtures/exec/tasks.ts'), join(outside, 'tasks.ts'));
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** Builds weft exec's bundle of the current build (as `npm run build` does after tsc). */
function bundle(): void {
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/bundle-exec.ts')], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scripts/bundle-exec.ts failed: ${r.stderr}${r.stdout}`);
}

let keys = 0;
/** Writes a task file in a new run directory; returns the directory and the key. */
function taskFile(
  name: string,
  args: unknown[],
  extra: Partial<TaskFile> = {},
  dir = project,
): { run: string; key: string } {
  const run = mkdtempSync(join(project, 'run-'));
  const key = `${++keys}.1`;
  writeTask(run, key, name, args, extra, dir);
  return { run, key };
}

/** Writes the task file `key` of run directory `run`: task `name` of `dir`/tasks.ts. */
function writeTask(
  run: string,
  key: string,
  name: string,
  args: unknown[],
  extra: Partial<TaskFile> = {},
  dir = project,
): void {
  const module = join(dir, 'tasks.ts');
  const named = relative(project, module).split(sep).join('/');
  writeTaskFile(run, key, {
    format: RUN_DIR_FORMAT,
    version: weftVersion(),
    runId: 'exec-test',
    taskId: keys,
    attempt: 1,
    name,
    label: undefined,
    module: named,
    hash: coordinatorHash(pathToFileURL(module).href),
    args,
    inputs: [],
    ...extra,
  });
}

interface Exec {
  readonly code: number | null;
  readonly stderr: string;
  readonly result: ResultFile | undefined;
}

/** Runs `weft exec` as a job does (working directory: the project). */
function exec(run: string, key: string, bundled: boolean, root = project): Exec {
  const r = spawnSync(process.execPath, [BIN, 'exec', run, key, '--root', root], {
    cwd: project,
    encoding: 'utf8',
    env: cleanEnv(bundled ? {} : { WEFT_EXEC_BUNDLE: '0' }),
  });
  return { code: r.status, stderr: r.stderr, result: readResultFile(run, key) };
}

beforeAll(bundle);

describe.each([
  ['from its bundle', true],
  ['from dist/ as built', false],
])('weft exec %s', (_, bundled) => {
  it('runs the task and writes its value, its log and its output', () => {
    const { run, key } = taskFile('exec.double', [21]);
    const r = exec(run, key, bundled);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ ok: true, value: 42, attempt: 1 });
    expect(r.result!.logs).toEqual([
      expect.objectContaining({ t: 'log', level: 'info', message: 'doubling', fields: { n: 21 } }),
      expect.objectContaining({ t: 'out', stream: 1, text: 'printed 21\n' }),
    ]);
  });

  it('serves the engine from the bundle only when it is used', () => {
    if (bundled) bundle(); // a build of core by someone else meanwhile would make it stale
    const { run, key } = taskFile('exec.stack', []);
    const r = exec(run, key, bundled);
    expect(r.code).toBe(0);
    const frames = String(r.result?.ok ? r.result.value : '');
    expect(frames.includes('/packages/core/dist/exec/')).toBe(bundled);
    expect(frames.includes('/packages/core/dist/worker/')).toBe(!bundled);
  });

  it('exits 1 with the error in the result file when the task fails', () => {
    const { run, key } = taskFile('exec.boom', []);
    const r = exec(run, key, bundled);
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ ok: false, error: { message: 'boom in the job' } });
  });

  it("makes the task file's retries itself, counting attempts on", () => {
    const marks = mkdtempSync(join(project, 'marks-'));
    const { run, key } = taskFile('exec.flaky', [marks], { retries: 1, backoffMs: 0 });
    const r = exec(run, key, bundled);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ ok: true, value: 2, attempt: 2 });
    expect(r.result!.logs).toEqual([
      expect.objectContaining({
        t: 'log',
        level: 'warn',
        message: 'attempt 1 failed (first attempt fails); retrying',
      }),
    ]);
  });

  it("fails the attempt with a timeout error after the task file's time limit", () => {
    const { run, key } = taskFile('exec.hang', [], { timeoutMs: 300 });
    const r = exec(run, key, bundled);
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({
      ok: false,
      error: { code: 'WEFT_TIMEOUT', message: `task exec.hang#${keys} timed out after 300 ms` },
    });
  });

  it('refuses a module outside the project root, saying so in the result file', () => {
    const { run, key } = taskFile('exec.double', [1], {}, outside);
    const r = exec(run, key, bundled);
    expect(r.code).toBe(2);
    const message =
      `weft exec refused ${join(run, 'tasks', `${key}.task`)}: its module ../${relative(base, outside)}/tasks.ts ` +
      `is outside the project root ${project}; weft exec imports only modules of the project it runs in`;
    expect(r.stderr).toBe(`error: ${message}\n`);
    expect(r.result).toMatchObject({ ok: false, error: { code: 'WEFT_EXEC_REFUSED', message } });
  });

  it('refuses a project root that does not exist', () => {
    const { run, key } = taskFile('exec.double', [1]);
    const missing = join(project, 'no-such-root');
    const r = exec(run, key, bundled, missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: weft exec refused ${join(run, 'tasks', `${key}.task`)}: the project root ${missing} does not exist\n`,
    );
  });

  it('runs the keys of a chain in order, each reading the one before, and stops at the first failure', () => {
    const run = mkdtempSync(join(project, 'run-'));
    const file = (key: string, name: string, args: unknown[], after?: string): void =>
      writeTask(run, key, name, args, {
        inputs: after === undefined ? [] : [{ path: [0], key: after }],
      });
    file('a', 'exec.double', [21]);
    file('b', 'exec.double', [null], 'a');
    file('c', 'exec.boom', []);
    file('d', 'exec.double', [1]);
    const r = spawnSync(
      process.execPath,
      [BIN, 'exec', run, 'a', 'b', 'c', 'd', '--root', project],
      {
        cwd: project,
        encoding: 'utf8',
        env: cleanEnv(bundled ? {} : { WEFT_EXEC_BUNDLE: '0' }),
      },
    );
    expect(r.status).toBe(1);
    expect(readResultFile(run, 'a')).toMatchObject({ ok: true, value: 42 });
    expect(readResultFile(run, 'b')).toMatchObject({ ok: true, value: 84 });
    expect(readResultFile(run, 'c')).toMatchObject({
      ok: false,
      error: { message: 'boom in the job' },
    });
    expect(readResultFile(run, 'd')).toBeUndefined();
  });

  it('refuses a key that is not a plain name', () => {
    const r = exec(project, '../x', bundled);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: weft exec: key "../x" must be letters, digits, '.', '-' or '_'\n`,
    );
  });
});

describe('weft exec with a bundle older than the build', () => {
  it('runs from dist/ as built', () => {
    bundle();
    const built = statSync(join(DIST, '.tsbuildinfo')).mtime;
    const old = new Date(built.getTime() - 60_000);
    utimesSync(SERVED, old, old);
    try {
      const { run, key } = taskFile('exec.stack', []);
      const r = exec(run, key, true);
      expect(r.code).toBe(0);
      const frames = String(r.result?.ok ? r.result.value : '');
      expect(frames).toContain('/packages/core/dist/worker/');
      expect(frames).not.toContain('/packages/core/dist/exec/');
    } finally {
      const now = new Date();
      utimesSync(SERVED, now, now);
    }
  });
});
