/**
 * @module
 * Where Redis is, from a URL (`redis://host:6379/0`, `rediss://` for TLS).
 * A password is read from the environment only (`WEFT_QUEUE_REDIS`, the
 * whole URL, or `WEFT_QUEUE_REDIS_PASSWORD`), never from an option or a
 * flag: weft records a run's executor options in its run store, and a
 * command line is visible to every user of the machine. Every message names
 * the URL without its password.
 */
import { QueueOptionsError } from '../errors.ts';

/** The URL used when neither the option nor `WEFT_QUEUE_REDIS` gives one. */
export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

/** A Redis server to connect to. */
export interface RedisTarget {
  /** The URL without its password, for messages and logs. */
  readonly url: string;
  /** What ioredis and BullMQ take: plain data, so it can go to a heartbeat thread. */
  readonly connection: RedisConnection;
}

export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
}

/**
 * The Redis to use: `given` (an option or flag, which must hold no
 * password), else `WEFT_QUEUE_REDIS`, else the default; the password from
 * the URL of the environment or from `WEFT_QUEUE_REDIS_PASSWORD`.
 */
export function resolveRedis(
  given: unknown,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): RedisTarget {
  if (given !== undefined && typeof given !== 'string') {
    throw new QueueOptionsError(`${where}: redis must be a URL string like ${DEFAULT_REDIS}`);
  }
  const fromEnv = given === undefined && env.WEFT_QUEUE_REDIS !== undefined;
  const text = given ?? env.WEFT_QUEUE_REDIS ?? DEFAULT_REDIS;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueOptionsError(
      `${where}: ${redactText(text)} is not a URL; expected one like ${DEFAULT_REDIS}`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueOptionsError(
      `${where}: ${redact(url)} is not a Redis URL; it must start with redis:// (or rediss:// for TLS)`,
    );
  }
  if (url.hostname === '') {
    throw new QueueOptionsError(`${where}: ${redact(url)} names no host`);
  }
  if (url.password !== '' && !fromEnv) {
    throw new QueueOptionsError(
      `${where}: the Redis URL holds a password; weft takes it only from the environment ` +
        '(WEFT_QUEUE_REDIS=<url with password>, or WEFT_QUEUE_REDIS_PASSWORD), never from ' +
        'options or flags, which runs record and other users can see',
    );
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new QueueOptionsError(
      `${where}: ${redact(url)}: the path must be a database number (/0, /1, ...)`,
    );
  }
  const password =
    url.password !== '' ? decodeURIComponent(url.password) : env.WEFT_QUEUE_REDIS_PASSWORD;
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  return {
    url: redact(url),
    connection: {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      db,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined || password === '' ? {} : { password }),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

/** The URL without its password (and without any query, which may carry credentials). */
export function redact(url: URL): string {
  const user = url.username === '' ? '' : `${url.username}@`;
  const redis = url.protocol === 'redis:' || url.protocol === 'rediss:';
  const host = redis && url.port === '' && url.hostname !== '' ? `${url.host}:6379` : url.host;
  return `${url.protocol}//${user}${host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Text that did not parse as a URL, with anything between `:` and `@` hidden. */
function redactText(text: string): string {
  return JSON.stringify(text.replace(/:[^:@/]*@/, ':***@'));
}

/** `message` with every occurrence of the password replaced: for errors of the Redis client. */
export function scrub(message: string, target: RedisTarget): string {
  const password = target.connection.password;
  return password === undefined || password === '' ? message : message.split(password).join('***');
}
