/**
 * @module
 * What the queue tests share: a private Redis (scripts/redis.sh: a server
 * of its own on a free port, never one that happens to run), projects that
 * declare @weft/queue (under the repo's .cache/, so packages resolve through
 * the workspace), `weft worker` and `weft run` spawned as a user runs them
 * (packages/core/bin/weft.js), and waiting on state, never on time.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(REPO, 'packages/core/bin/weft.js');
const REDIS_SH = join(REPO, 'scripts/redis.sh');
export const SECRET = 'queue-tests-secret-0123456789';
/** A test of real processes on a machine that may be busy: generous; its waits say what they waited for. */
export const TIMEOUT = 90_000;

const made: string[] = [];
const children = new Set<ChildProcess>();

/** A private Redis, started in a directory of its own. */
export interface PrivateRedis {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  /** Stops it and starts a fresh, empty one on the same port (a crash without persistence). */
  restart(): void;
  stop(): void;
}

export function startRedis(): PrivateRedis {
  const dir = scratch('redis-');
  const port = Number(execFileSync(REDIS_SH, ['start', dir], { encoding: 'utf8' }).trim());
  return {
    dir,
    port,
    url: `redis://127.0.0.1:${port}`,
    restart: () => void execFileSync(REDIS_SH, ['restart', dir], { encoding: 'utf8' }),
    stop: () => void execFileSync(REDIS_SH, ['stop', dir]),
  };
}

/** A new directory under the repo's .cache/queue-tests. */
export function scratch(prefix: string): string {
  const base = join(REPO, '.cache', 'queue-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, prefix));
  made.push(dir);
  return dir;
}

/** A project that declares @weft/queue, with `files` (path to content). */
export function project(files: Record<string, string>): string {
  const dir = scratch('p-');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'queue-test-project',
      type: 'module',
      dependencies: { '@weft/queue': '*' },
    }),
  );
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The environment of a spawned weft: none of the test runner's variables, the secret and the Redis. */
export function env(redis: PrivateRedis, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of Object.keys(e)) {
    if (/^(NO_COLOR|FORCE_COLOR|WEFT_.*|VITEST.*|TERM)$/.test(k)) delete e[k];
  }
  return { ...e, WEFT_QUEUE_SECRET: SECRET, WEFT_QUEUE_REDIS: redis.url, ...extra };
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly out: { stdout: string; stderr: string };
  readonly exited: Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Starts `weft <args>` in `cwd`. */
export function weft(
  args: readonly string[],
  cwd: string,
  environment: NodeJS.ProcessEnv,
  bin = BIN,
): Spawned {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
  });
  const exited = new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, ...out });
    });
  });
  return { child, pid: child.pid!, out, exited };
}

/** A `weft worker` started in `cwd`, once it serves the queue. */
export async function startWorker(
  cwd: string,
  redis: PrivateRedis,
  args: readonly string[] = [],
  extra: Record<string, string> = {},
  bin = BIN,
): Promise<Spawned & { readonly label: string }> {
  const w = weft(['worker', '--heartbeat', '200ms', ...args], cwd, env(redis, extra), bin);
  await waitFor(
    () => w.out.stderr.includes('serving queue') || w.child.exitCode !== null,
    `weft worker to start in ${cwd}`,
  );
  if (!w.out.stderr.includes('serving queue')) {
    throw new Error(`weft worker did not start:\n${w.out.stderr}`);
  }
  const label = /weft worker (\S+):/.exec(w.out.stderr)![1]!;
  return { ...w, label };
}

/** Polls `check` every 25 ms until it holds; fails after `ms` saying what it waited for. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 45_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Lines of a file the test tasks append to (empty when it does not exist yet). */
export function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** The events of a `--json` run's stdout. */
export function events(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** Kills what the tests started that still runs, and removes their directories. */
export async function cleanup(): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  // Each Redis takes about a second to stop: stop them all at once.
  await Promise.all(
    made.splice(0).map(async (d) => {
      if (existsSync(join(d, 'redis.pid'))) {
        await promisify(execFile)(REDIS_SH, ['stop', d]).catch(() => {
          // already gone
        });
      }
      rmSync(d, { recursive: true, force: true });
    }),
  );
}
