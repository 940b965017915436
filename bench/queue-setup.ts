/**
 * @module
 * What bench/queue.ts and bench/queue-cost.ts share: a private Redis
 * (scripts/redis.sh) in a scratch project that declares @weft/queue (so
 * that `weft worker` finds the plugin), the queue secret, and the worker
 * processes they start and stop.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
export const BIN = join(REPO, 'packages/core/bin/weft.js');

export interface QueueBench {
  /** The scratch project: workers run here. */
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  /** Starts a process in `dir`; resolves once its output contains `ready`. */
  start(args: readonly string[], ready: string, env?: NodeJS.ProcessEnv): Promise<ChildProcess>;
  /** SIGTERMs every process started, and waits for them to exit. */
  stopAll(): Promise<void>;
  /** Stops Redis and removes the scratch project. */
  close(): void;
}

/** Starts Redis in a new scratch project under .cache/bench-queue/<prefix>*. */
export function queueBench(prefix: string): QueueBench {
  const scratch = join(REPO, '.cache', 'bench-queue');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, prefix));
  const port = Number(
    execFileSync(join(REPO, 'scripts/redis.sh'), ['start', join(dir, 'redis')], {
      encoding: 'utf8',
    }).trim(),
  );
  const url = `redis://127.0.0.1:${port}`;
  process.env.WEFT_QUEUE_SECRET = 'bench-queue-secret-0123456789';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bench', type: 'module', dependencies: { '@weft/queue': '*' } }),
  );
  const children: ChildProcess[] = [];
  const start = (args: readonly string[], ready: string, env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, WEFT_QUEUE_REDIS: url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise<ChildProcess>((resolve, reject) => {
      let seen = '';
      const look = (d: Buffer) => {
        seen += d.toString();
        if (seen.includes(ready)) resolve(child);
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${seen}`)));
    });
  };
  const stopAll = () =>
    Promise.all(
      children.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    ).then(() => {});
  const close = () => {
    execFileSync(join(REPO, 'scripts/redis.sh'), ['stop', join(dir, 'redis')]);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, port, url, start, stopAll, close };
}
