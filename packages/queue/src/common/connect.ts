/**
 * @module
 * Connections to Redis. The first connection is checked before anything
 * else happens, so that a bad URL, an unreachable server, a refused password
 * or a Redis too old is one clear error naming the URL (never its password),
 * before any task runs. Once connected, a connection reconnects for ever,
 * retrying its commands (a Redis restart is survived; see the recovery in
 * the coordinator), and reports its errors, scrubbed of the password.
 */
import { Redis } from 'ioredis';
import { QueueConnectError } from '../errors.ts';
import { type RedisTarget, scrub } from './redis-url.ts';

/** LPOP with a count came with Redis 6.2. */
const MIN_VERSION = [6, 2] as const;

export interface ConnectOptions {
  /** How long the first connection may take. */
  readonly timeoutMs: number;
  /** Names the connection in ioredis (`CLIENT LIST`). */
  readonly name: string;
  /** Receives the connection's errors after it connected, password scrubbed. */
  readonly onError?: (message: string) => void;
  /**
   * Commands issued in one turn leave in one write (not for a connection
   * that blocks: a blocking command would hold up the others).
   */
  readonly pipelined?: boolean;
}

/**
 * A connected client; rejects with `QueueConnectError` when Redis cannot be
 * reached or refuses the connection.
 */
export async function connect(target: RedisTarget, options: ConnectOptions): Promise<Redis> {
  let connected = false;
  const redis = new Redis({
    ...target.connection,
    connectionName: options.name,
    lazyConnect: true,
    enableAutoPipelining: options.pipelined === true,
    connectTimeout: options.timeoutMs,
    // Commands wait for a reconnection instead of failing: Redis restarting is routine.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (connected ? Math.min(50 * times, 1000) : null),
  });
  let lastError: Error | undefined;
  // One report per outage: a client retrying every few milliseconds would flood the log.
  let reported = false;
  redis.on('error', (error: Error) => {
    lastError = error;
    if (!connected || reported) return;
    reported = true;
    options.onError?.(`${scrub(error.message, target)} (reconnecting)`);
  });
  redis.on('ready', () => {
    if (reported) options.onError?.('reconnected');
    reported = false;
  });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version !== null) {
      const [major, minor] = [Number(version[1]), Number(version[2])];
      if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
        throw new QueueConnectError(
          target.url,
          `it runs Redis ${major}.${minor}; weft's queue needs ${MIN_VERSION.join('.')} or later`,
        );
      }
    }
  } catch (error) {
    redis.disconnect();
    if (error instanceof QueueConnectError) throw error;
    const cause = lastError ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new QueueConnectError(target.url, scrub(message, target) || 'no answer');
  }
  connected = true;
  return redis;
}

/** Closes a client in bounded time: QUIT, or a hard disconnect after `ms`. */
export async function closeRedis(redis: Redis, ms = 1000): Promise<void> {
  if (redis.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    redis.quit().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
  redis.disconnect();
}
