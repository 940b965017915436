/**
 * @module
 * `weft worker`'s options, compiled: the Redis to reach (its password from
 * the environment only), the queue, what the worker advertises (concurrency,
 * cpus, memory, gpus, tags), the project root it imports task modules from,
 * the artifact store it shares with coordinators, and its timings.
 */
import { availableParallelism, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { durationMs } from '../common/duration.ts';
import { type QueueKeys, queueKeys } from '../common/keys.ts';
import { type RedisTarget, resolveRedis } from '../common/redis-url.ts';
import { projectRoot } from '../common/root.ts';
import { QueueOptionsError } from '../errors.ts';

/** The flags of `weft worker`, as commander hands them over. */
export interface WorkerFlags {
  readonly redis?: string;
  readonly queue?: string;
  readonly concurrency?: string;
  readonly cpus?: string;
  readonly memoryMb?: string;
  readonly gpus?: string;
  readonly tag?: readonly string[];
  readonly root?: string;
  readonly artifacts?: string;
  readonly inlineLimit?: string;
  readonly heartbeat?: string;
  readonly grace?: string;
  readonly preload?: readonly string[];
  readonly verbose?: boolean;
}

export interface CompiledWorkerOptions {
  readonly target: RedisTarget;
  readonly queue: string;
  readonly keys: QueueKeys;
  readonly concurrency: number;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly gpus: number;
  readonly tags: readonly string[];
  readonly root: string;
  readonly artifacts: string;
  readonly inlineLimit: number;
  readonly heartbeatMs: number;
  /** How long stopping waits for running tasks before it stops them. */
  readonly graceMs: number;
  readonly connectTimeoutMs: number;
  /** Task modules (file URLs) imported at start, so that no task pays for the import. */
  readonly preload: readonly string[];
  readonly verbose: boolean;
}

/** Validates the flags and fills in the defaults; throws `QueueOptionsError` naming the flag. */
export function compileWorkerOptions(flags: WorkerFlags, cwd: string): CompiledWorkerOptions {
  const count = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new QueueOptionsError(
        `weft worker: ${flag} must be a whole number >= ${min}, got ${text}`,
      );
    }
    return n;
  };
  const cpus = count('--cpus', flags.cpus, availableParallelism(), 1);
  const root = flags.root === undefined ? projectRoot(cwd) : resolve(cwd, flags.root);
  const queue = flags.queue ?? 'weft';
  const tags = [...(flags.tag ?? [])];
  for (const t of tags) {
    if (!/^[A-Za-z0-9._:-]{1,64}$/.test(t)) {
      throw new QueueOptionsError(
        `weft worker: --tag ${JSON.stringify(t)}: a tag is 1 to 64 letters, digits, '.', '_', ':' or '-'`,
      );
    }
  }
  const heartbeatMs = durationMs(flags.heartbeat ?? '1s', 'weft worker: --heartbeat');
  if (heartbeatMs < 50)
    throw new QueueOptionsError('weft worker: --heartbeat must be at least 50ms');
  return {
    target: resolveRedis(flags.redis, 'weft worker: --redis'),
    queue,
    keys: queueKeys(queue, 'weft worker: --queue'),
    concurrency: count('--concurrency', flags.concurrency, cpus, 1),
    cpus,
    memoryMb: count('--memory-mb', flags.memoryMb, Math.floor(totalmem() / 2 ** 20), 0),
    gpus: count('--gpus', flags.gpus, 0, 0),
    tags,
    root,
    artifacts:
      flags.artifacts === undefined
        ? join(root, '.weft', 'artifacts')
        : resolve(cwd, flags.artifacts),
    inlineLimit: count('--inline-limit', flags.inlineLimit, 64 * 1024, 1024),
    heartbeatMs,
    graceMs: durationMs(flags.grace ?? '30s', 'weft worker: --grace'),
    connectTimeoutMs: 5000,
    preload: (flags.preload ?? []).map((p) => pathToFileURL(resolve(cwd, p)).href),
    verbose: flags.verbose === true,
  };
}
