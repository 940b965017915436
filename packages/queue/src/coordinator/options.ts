/**
 * @module
 * The queue executor's options, and their compiled form: validated once,
 * defaults filled in, durations in milliseconds, the Redis URL resolved
 * (its password from the environment only) and redacted for messages.
 */
import { join, resolve } from 'node:path';
import { type Duration, type Logger, silentLogger } from '@weft/core';
import { weftVersion } from '@weft/core/executor';
import { durationMs } from '../common/duration.ts';
import { type QueueKeys, queueKeys } from '../common/keys.ts';
import { type RedisTarget, resolveRedis } from '../common/redis-url.ts';
import { projectRoot } from '../common/root.ts';
import { QueueOptionsError } from '../errors.ts';

/** Options of the `queue` executor (`queue({...})`, or `{ kind: 'queue', ... }` in config). */
export interface QueueOptions {
  /**
   * The Redis server, as a URL without a password (`redis://host:6379/0`,
   * `rediss://` for TLS). A password comes from the environment only.
   * @default process.env.WEFT_QUEUE_REDIS, else 'redis://127.0.0.1:6379'
   */
  readonly redis?: string;
  /** The queue's name: workers started with the same `--queue` take its tasks. @default 'weft' */
  readonly queue?: string;
  /**
   * Tasks handed to workers at once, over all of them (the `-j` of `weft run`).
   * @default Infinity (as many as live workers take)
   */
  readonly concurrency?: number;
  /**
   * The project root: task modules are named by their path inside it, which
   * each worker resolves in its own copy of the project (`weft worker --root`).
   * @default the directory of the nearest weft.config.ts, else of the nearest package.json
   */
  readonly root?: string;
  /**
   * The artifact store that values larger than `inlineLimit` travel through.
   * Every worker must reach the same directory (`weft worker --artifacts`):
   * on several machines, a shared filesystem.
   * @default '<root>/.weft/artifacts'
   */
  readonly artifacts?: string;
  /** Serialized values larger than this many bytes travel through the artifact store. @default 65536 */
  readonly inlineLimit?: number;
  /**
   * Jobs a worker is given beyond what it runs at once, as a multiple of its
   * concurrency: a worker of concurrency 4 holds up to 4 * (1 + prefetch).
   * A job for a free slot travels with the coordinator's messages to the
   * worker's inbox and starts at once; a queued one waits in the worker's
   * BullMQ queue, at several times the CPU per job (on Redis, the worker and
   * the coordinator). With 0, a worker waits between jobs for the
   * coordinator to hear of the last one; raise it for tasks of a few
   * milliseconds when the coordinator answers slowly (far away, or busy).
   * Tasks with a timeout are never queued (their clock runs from
   * placement). @default 0
   */
  readonly prefetch?: number;
  /**
   * How long a task waits for a live worker that fits its requirements (and
   * runs its code) before it fails with `NoWorkerError`. @default '5m'
   */
  readonly placementTimeout?: Duration;
  /**
   * How often the coordinator itself runs an attempt again on another worker
   * when its worker is lost mid-way (killed, crashed, machine gone), without
   * spending the task's retries (the run then records the first worker, and
   * the task's log the loss). At 0, the attempt fails with `WorkerLostError`
   * and the task's `retries` run it again elsewhere, each attempt recorded
   * with its worker. Jobs a lost worker had not started go elsewhere either
   * way. @default 0
   */
  readonly lostRetries?: number;
  /** How long the coordinator waits for a task after its signal fired before it gives up on it. @default '5s' */
  readonly killGrace?: Duration;
  /**
   * The tags workers may advertise (`weft worker --tag gpu-a100`) that tasks
   * may require (`requirements: { 'gpu-a100': 1 }`). A requirement that is
   * neither a tag listed here nor cpus, memoryMb or gpus is refused at submit.
   * @default []
   */
  readonly tags?: readonly string[];
  /** How long connecting to Redis may take. @default '5s' */
  readonly connectTimeout?: Duration;
  /** Receives what the executor itself does (workers joining and lost, Redis restarts). */
  readonly logger?: Logger;
  /**
   * The weft version workers must run. @default this weft's version
   * @internal Tests use it to see workers refuse.
   */
  readonly workerVersion?: string;
}

/** Options as the executor uses them. */
export interface CompiledQueueOptions {
  readonly target: RedisTarget;
  readonly queue: string;
  readonly keys: QueueKeys;
  readonly slots: number;
  readonly root: string;
  readonly artifacts: string;
  readonly inlineLimit: number;
  readonly prefetch: number;
  readonly placementTimeoutMs: number;
  readonly lostRetries: number;
  readonly killGraceMs: number;
  readonly tags: readonly string[];
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  readonly version: string;
}

const KNOWN = new Set([
  'redis',
  'queue',
  'concurrency',
  'root',
  'artifacts',
  'inlineLimit',
  'prefetch',
  'placementTimeout',
  'lostRetries',
  'killGrace',
  'tags',
  'connectTimeout',
  'logger',
  'workerVersion',
]);

/** Validates the options and fills in the defaults; throws `QueueOptionsError` naming the option. */
export function compileQueueOptions(
  options: Readonly<Record<string, unknown>>,
  cwd = process.cwd(),
): CompiledQueueOptions {
  const o = options as QueueOptions;
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new QueueOptionsError(
        `queue: unknown option ${JSON.stringify(key)}; known options: ${[...KNOWN].join(', ')}`,
      );
    }
  }
  const number = (key: string, value: unknown, fallback: number, min: number, whole = true) => {
    const v = value ?? fallback;
    const ok =
      typeof v === 'number' &&
      v >= min &&
      (v === Number.POSITIVE_INFINITY || (whole ? Number.isInteger(v) : Number.isFinite(v)));
    if (!ok) {
      throw new QueueOptionsError(
        `queue: ${key} must be ${whole ? 'a whole number' : 'a number'} >= ${min}, got ${String(value)}`,
      );
    }
    return v as number;
  };
  const queue = o.queue ?? 'weft';
  const root = o.root === undefined ? projectRoot(cwd) : resolve(cwd, stringOption('root', o.root));
  const artifacts =
    o.artifacts === undefined
      ? join(root, '.weft', 'artifacts')
      : resolve(root, stringOption('artifacts', o.artifacts));
  const tags = o.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t === '')) {
    throw new QueueOptionsError('queue: tags must be an array of names, like ["ssd", "gpu-a100"]');
  }
  const logger = o.logger ?? silentLogger;
  if (typeof logger !== 'object' || typeof logger.warn !== 'function') {
    throw new QueueOptionsError('queue: logger must be a weft Logger (createLogger(sink))');
  }
  return {
    target: resolveRedis(o.redis, 'queue: redis'),
    queue,
    keys: queueKeys(queue, 'queue: queue'),
    slots: number('concurrency', o.concurrency, Number.POSITIVE_INFINITY, 1),
    root,
    artifacts,
    inlineLimit: number('inlineLimit', o.inlineLimit, 64 * 1024, 1024),
    prefetch: number('prefetch', o.prefetch, 0, 0, false),
    placementTimeoutMs: durationMs(o.placementTimeout ?? '5m', 'queue: placementTimeout'),
    lostRetries: number('lostRetries', o.lostRetries, 0, 0),
    killGraceMs: durationMs(o.killGrace ?? '5s', 'queue: killGrace'),
    tags: Object.freeze([...tags]),
    connectTimeoutMs: durationMs(o.connectTimeout ?? '5s', 'queue: connectTimeout'),
    logger,
    version: o.workerVersion ?? weftVersion(),
  };
}

function stringOption(key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new QueueOptionsError(`queue: ${key} must be a path`);
  }
  return value;
}
